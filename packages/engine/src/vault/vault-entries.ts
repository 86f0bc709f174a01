import { TributaryError, isTributaryError } from '@tributary/sdk';
import { open, seal } from './crypto.js';
import { parseStoredCredential, type StoredCredential } from './credential.js';
import type { Keyring } from './keyring.js';
import type { VaultStore } from './types.js';

/** A decrypted credential with the revision it was read at (for compare-and-swap writes). */
export interface VaultEntry {
  credential: StoredCredential;
  revision: number;
  keyId: string;
}

/** Reading and writing encrypted credentials; everything above this works on plaintext objects only. */
export function createVaultEntries(store: VaultStore, keyring: Keyring) {
  async function read(sourceId: string): Promise<VaultEntry | undefined> {
    let envelope = await store.getCredential(sourceId);
    if (!envelope) return undefined;
    if (!keyring.key(envelope.keyId)) {
      // A rotation (here or in another process) may have re-encrypted the row and retired the key we read it
      // under: pick up a rotated keyring file and read the row again before giving up.
      await keyring.reload();
      envelope = await store.getCredential(sourceId);
      if (!envelope) return undefined;
    }
    const plaintext = open(keyring, sourceId, envelope);
    let parsed: unknown;
    try {
      parsed = JSON.parse(plaintext);
    } catch {
      throw new TributaryError(
        'secret_key_invalid',
        `The credential of source "${sourceId}" decrypted to malformed data; reconnect the source.`,
      );
    }
    return { credential: parseStoredCredential(parsed, sourceId), revision: envelope.revision, keyId: envelope.keyId };
  }

  /** Encrypts and stores; with `expectedRevision` a concurrent write makes this throw `conflict`. */
  async function write(sourceId: string, credential: StoredCredential, expectedRevision?: number): Promise<number> {
    // Another process may have rotated the keyring file: seal under its current active key, never a retired one.
    if (keyring.origin === 'file') await keyring.reload();
    const envelope = seal(keyring, sourceId, JSON.stringify(parseStoredCredential(credential, sourceId)));
    const stored = await store.putCredential(envelope, expectedRevision);
    return stored.revision;
  }

  /** Re-encrypts one row under the active key (CAS, retried when a concurrent write moved the revision). */
  async function reencrypt(sourceId: string): Promise<boolean> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const envelope = await store.getCredential(sourceId);
      if (!envelope || envelope.keyId === keyring.activeKeyId()) return false;
      const sealed = seal(keyring, sourceId, open(keyring, sourceId, envelope));
      try {
        await store.putCredential(sealed, envelope.revision);
        return true;
      } catch (err) {
        if (!isTributaryError(err) || err.code !== 'conflict') throw err;
      }
    }
    throw new TributaryError(
      'conflict',
      `The credential of source "${sourceId}" kept changing during key rotation; run the rotation again.`,
    );
  }

  return { read, write, reencrypt };
}
