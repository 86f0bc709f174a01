import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { TributaryError } from '@tributary/sdk/errors';
import type { CredentialEnvelope } from '../store/types.js';
import type { Keyring } from './keyring.js';

/** AES-256-GCM with a 12-byte nonce and a 16-byte tag (NIST SP 800-38D's recommended sizes). */
const ALGORITHM = 'aes-256-gcm';
const NONCE_BYTES = 12;

/** The envelope fields the vault writes; the store adds `updatedAt` and `revision`. */
export type SealedEnvelope = Omit<CredentialEnvelope, 'updatedAt' | 'revision'>;

/**
 * Binds a ciphertext to its row: the source id (and a format version) are authenticated but not encrypted, so an
 * envelope copied to another source fails to decrypt instead of handing one source's secret to another.
 */
function additionalData(sourceId: string): Buffer {
  return Buffer.from(`tributary:credential:v1:${sourceId}`, 'utf8');
}

/** Encrypts `plaintext` for `sourceId` under the keyring's active key, with a fresh random nonce. */
export function seal(keyring: Keyring, sourceId: string, plaintext: string): SealedEnvelope {
  const keyId = keyring.activeKeyId();
  const key = keyring.key(keyId);
  if (!key)
    throw new TributaryError('secret_key_invalid', `The active vault key "${keyId}" is missing from the keyring.`);
  const iv = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv);
  cipher.setAAD(additionalData(sourceId));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return {
    sourceId,
    keyId,
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    ciphertext: ciphertext.toString('base64'),
  };
}

/**
 * Decrypts an envelope read for `sourceId`.
 * @throws TributaryError `secret_key_invalid` when the key is not in the keyring, or the ciphertext does not
 * authenticate (wrong key, tampered bytes, or an envelope that belongs to another source). Never returns garbage.
 */
export function open(keyring: Keyring, sourceId: string, envelope: SealedEnvelope): string {
  const key = keyring.key(envelope.keyId);
  if (!key) {
    throw new TributaryError(
      'secret_key_invalid',
      `The credential of source "${sourceId}" is encrypted with vault key "${envelope.keyId}", which is not in the keyring. ` +
        'Set TRIBUTARY_SECRET_KEY (or restore the keyring file) to the key that was used when it was stored, or reconnect the source.',
      { details: { sourceId, keyId: envelope.keyId } },
    );
  }
  const iv = Buffer.from(envelope.iv, 'base64');
  const tag = Buffer.from(envelope.tag, 'base64');
  if (iv.length !== NONCE_BYTES || tag.length !== 16) {
    throw new TributaryError(
      'secret_key_invalid',
      `The stored credential of source "${sourceId}" is malformed (bad nonce or tag length).`,
      {
        details: { sourceId, keyId: envelope.keyId },
      },
    );
  }
  try {
    const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: 16 });
    decipher.setAAD(additionalData(sourceId));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(envelope.ciphertext, 'base64')), decipher.final()]).toString(
      'utf8',
    );
  } catch (err) {
    // The cause is node's "Unsupported state or unable to authenticate data": it carries no plaintext.
    throw new TributaryError(
      'secret_key_invalid',
      `The credential of source "${sourceId}" does not decrypt with vault key "${envelope.keyId}": the key is wrong, ` +
        'or the stored ciphertext was altered or belongs to another source. Check TRIBUTARY_SECRET_KEY / the keyring file, or reconnect the source.',
      { cause: err, details: { sourceId, keyId: envelope.keyId } },
    );
  }
}
