import { describe, expect, it } from 'vitest';
import { TributaryError } from '@tributary/sdk';
import { open, seal } from './crypto.js';
import { generateKey, keyIdOf, keyringFromKey, parseKey } from './keyring.js';

const SECRET = 'xoxb-plaintext-secret-value-1234567890';

function expectCode(fn: () => unknown, code: string): TributaryError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TributaryError);
    expect((err as TributaryError).code).toBe(code);
    return err as TributaryError;
  }
  throw new Error('expected a throw');
}

describe('envelope encryption (AES-256-GCM)', () => {
  const keyring = keyringFromKey(generateKey());

  it('round-trips and never stores the plaintext', () => {
    const env = seal(keyring, 'src-1', SECRET);
    expect(env.keyId).toBe(keyring.activeKeyId());
    expect(JSON.stringify(env)).not.toContain(SECRET);
    expect(Buffer.from(env.iv, 'base64')).toHaveLength(12);
    expect(open(keyring, 'src-1', env)).toBe(SECRET);
  });

  it('uses a fresh nonce on every write', () => {
    const a = seal(keyring, 'src-1', SECRET);
    const b = seal(keyring, 'src-1', SECRET);
    expect(a.iv).not.toBe(b.iv);
    expect(a.ciphertext).not.toBe(b.ciphertext);
  });

  it('refuses a flipped ciphertext byte', () => {
    const env = seal(keyring, 'src-1', SECRET);
    const bytes = Buffer.from(env.ciphertext, 'base64');
    bytes[3] = bytes[3]! ^ 0x01;
    const err = expectCode(
      () => open(keyring, 'src-1', { ...env, ciphertext: bytes.toString('base64') }),
      'secret_key_invalid',
    );
    expect(err.message).not.toContain(SECRET);
  });

  it('refuses a flipped tag byte', () => {
    const env = seal(keyring, 'src-1', SECRET);
    const tag = Buffer.from(env.tag, 'base64');
    tag[0] = tag[0]! ^ 0x80;
    expectCode(() => open(keyring, 'src-1', { ...env, tag: tag.toString('base64') }), 'secret_key_invalid');
  });

  it('refuses an envelope moved to another source id (the source id is authenticated)', () => {
    const env = seal(keyring, 'src-1', SECRET);
    const err = expectCode(() => open(keyring, 'src-2', { ...env, sourceId: 'src-2' }), 'secret_key_invalid');
    expect(err.message).toContain('src-2');
  });

  it('refuses the wrong key under the same key id', () => {
    const env = seal(keyring, 'src-1', SECRET);
    const other = keyringFromKey(generateKey());
    expectCode(() => open(other, 'src-1', { ...env, keyId: other.activeKeyId() }), 'secret_key_invalid');
  });

  it('reports a key id missing from the keyring with what to do', () => {
    const env = seal(keyring, 'src-1', SECRET);
    const err = expectCode(() => open(keyringFromKey(generateKey()), 'src-1', env), 'secret_key_invalid');
    expect(err.message).toContain(env.keyId);
    expect(err.message).toContain('TRIBUTARY_SECRET_KEY');
  });
});

describe('parseKey', () => {
  const key = generateKey();

  it('accepts hex, base64 and base64url of 32 bytes', () => {
    expect(parseKey(key.toString('hex')).equals(key)).toBe(true);
    expect(parseKey(key.toString('base64')).equals(key)).toBe(true);
    expect(parseKey(key.toString('base64url')).equals(key)).toBe(true);
    expect(keyIdOf(parseKey(key.toString('hex')))).toBe(keyIdOf(key));
  });

  it('refuses short or garbled keys without echoing them', () => {
    const short = generateKey().subarray(0, 16).toString('base64');
    const err = expectCode(() => parseKey(short), 'secret_key_invalid');
    expect(err.message).not.toContain(short);
    expectCode(() => parseKey('not a key at all!'), 'secret_key_invalid');
    expectCode(() => parseKey(''), 'secret_key_invalid');
  });
});
