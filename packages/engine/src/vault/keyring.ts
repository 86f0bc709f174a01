import { createHash, randomBytes } from 'node:crypto';
import { TributaryError } from '@tributary/sdk';

/** What a keyring file holds: the active key id and every key still needed to decrypt (base64 of 32 bytes). */
export interface KeyringData {
  activeKeyId: string;
  keys: Record<string, string>;
}

/**
 * The vault's keys. Encryption always uses the active key; decryption picks the key by the id stored with each
 * ciphertext, so several keys coexist during a rotation.
 */
export interface Keyring {
  /** Where the keys come from: `env` keys cannot be generated or persisted by Tributary. */
  readonly origin: 'env' | 'file' | 'memory';
  activeKeyId(): string;
  key(id: string): Buffer | undefined;
  keyIds(): string[];
  /**
   * Generates a new random key and makes it active (persisted before it is used, for file keyrings).
   * @throws TributaryError `unsupported` for env keyrings (the operator sets the new key)
   */
  addKey(): Promise<string>;
  /** Forgets keys (never the active one); persisted for file keyrings. */
  retire(ids: string[]): Promise<void>;
  /** Re-reads the backing file: another process may have rotated. A no-op for other origins. */
  reload(): Promise<void>;
}

export const KEY_BYTES = 32;

/** A key id derived from the key itself, so the same key gets the same id in a file or in the env. */
export function keyIdOf(key: Buffer): string {
  return `k-${createHash('sha256').update('tributary-key-id').update(key).digest('hex').slice(0, 16)}`;
}

/**
 * Parses key material given as 64 hex characters or as base64 (standard or url-safe) of 32 bytes.
 * @throws TributaryError `secret_key_invalid` (the message never repeats the value)
 */
export function parseKey(text: string, what = 'TRIBUTARY_SECRET_KEY'): Buffer {
  const value = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) {
    const key = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (key.length === KEY_BYTES) return key;
  }
  throw new TributaryError(
    'secret_key_invalid',
    `${what} must be 32 random bytes written as 64 hex characters or as base64 (e.g. the output of \`openssl rand -base64 32\`); ` +
      `the value given (${value.length} characters) is neither.`,
  );
}

/** A fresh random 32-byte key. */
export function generateKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

export interface KeyringOptions {
  origin?: Keyring['origin'];
  /** Called with the new contents before a change takes effect (file keyrings write the file here). */
  persist?: (data: KeyringData) => Promise<void>;
  /** Returns the current contents of the backing store (file keyrings re-read the file here). */
  load?: () => Promise<KeyringData>;
}

/** Builds a keyring from data (keys as base64); the base of the env, file and in-memory keyrings. */
export function createKeyring(data: KeyringData, options: KeyringOptions = {}): Keyring {
  const origin = options.origin ?? 'memory';
  let state = decode(data);
  const snapshot = (keys: Map<string, Buffer>, activeKeyId: string): KeyringData => ({
    activeKeyId,
    keys: Object.fromEntries([...keys].map(([id, key]) => [id, key.toString('base64')])),
  });
  return {
    origin,
    activeKeyId: () => state.activeKeyId,
    key: (id) => state.keys.get(id),
    keyIds: () => [...state.keys.keys()],
    async addKey() {
      if (origin === 'env') {
        throw new TributaryError(
          'unsupported',
          'The vault key comes from TRIBUTARY_SECRET_KEY, so Tributary cannot generate the next one. Set TRIBUTARY_SECRET_KEY to a new key and ' +
            'TRIBUTARY_SECRET_KEY_PREVIOUS to the old one, restart, run the rotation, then remove TRIBUTARY_SECRET_KEY_PREVIOUS.',
        );
      }
      const key = generateKey();
      const id = keyIdOf(key);
      const keys = new Map(state.keys).set(id, key);
      await options.persist?.(snapshot(keys, id));
      state = { activeKeyId: id, keys };
      return id;
    },
    async retire(ids) {
      const keys = new Map(state.keys);
      for (const id of ids) if (id !== state.activeKeyId) keys.delete(id);
      await options.persist?.(snapshot(keys, state.activeKeyId));
      state = { activeKeyId: state.activeKeyId, keys };
    },
    async reload() {
      if (options.load) state = decode(await options.load());
    },
  };
}

function decode(data: KeyringData): { activeKeyId: string; keys: Map<string, Buffer> } {
  const keys = new Map<string, Buffer>();
  for (const [id, b64] of Object.entries(data.keys)) keys.set(id, parseKey(b64, `Key "${id}" of the keyring`));
  if (!keys.has(data.activeKeyId)) {
    throw new TributaryError(
      'secret_key_invalid',
      `The keyring's active key "${data.activeKeyId}" is not among its keys.`,
    );
  }
  return { activeKeyId: data.activeKeyId, keys };
}

/** A keyring holding one key (tests, or a key given directly by the caller). */
export function keyringFromKey(
  key: Buffer | string,
  previous: Array<Buffer | string> = [],
  origin: Keyring['origin'] = 'memory',
): Keyring {
  const toBuf = (k: Buffer | string): Buffer => (typeof k === 'string' ? parseKey(k) : k);
  const active = toBuf(key);
  const keys: Record<string, string> = {};
  for (const k of previous.map(toBuf)) keys[keyIdOf(k)] = k.toString('base64');
  keys[keyIdOf(active)] = active.toString('base64');
  return createKeyring({ activeKeyId: keyIdOf(active), keys }, { origin });
}
