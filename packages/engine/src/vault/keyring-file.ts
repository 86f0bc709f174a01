import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TributaryError } from '@tributary/sdk';
import { z } from 'zod';
import {
  createKeyring,
  generateKey,
  keyIdOf,
  keyringFromKey,
  parseKey,
  type Keyring,
  type KeyringData,
} from './keyring.js';

/** The keyring file's name inside the data directory. */
export const KEYRING_FILE = 'keyring.json';

const KeyringFileSchema = z.object({
  activeKeyId: z.string().min(1),
  keys: z.record(z.string(), z.string()),
});

export interface LoadKeyringOptions {
  /** The environment to read `TRIBUTARY_SECRET_KEY` / `TRIBUTARY_SECRET_KEY_PREVIOUS` from (the caller passes it). */
  env: Record<string, string | undefined>;
  /** Where the keyring file lives (created with 0600 on first use when no env key is set). */
  dataDir: string;
}

/**
 * Finds the vault's keys: `TRIBUTARY_SECRET_KEY` (hex or base64 of 32 bytes; `TRIBUTARY_SECRET_KEY_PREVIOUS`, comma
 * separated, are kept for decryption during a rotation) or else `<dataDir>/keyring.json`, created on first use.
 * @throws TributaryError `secret_key_invalid` for a malformed key, or a keyring file readable by group/others
 */
export async function loadKeyring(options: LoadKeyringOptions): Promise<Keyring> {
  const envKey = options.env.TRIBUTARY_SECRET_KEY;
  if (envKey !== undefined && envKey.trim() !== '') {
    const previous = (options.env.TRIBUTARY_SECRET_KEY_PREVIOUS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '')
      .map((s) => parseKey(s, 'TRIBUTARY_SECRET_KEY_PREVIOUS'));
    return keyringFromKey(parseKey(envKey), previous, 'env');
  }
  const path = join(options.dataDir, KEYRING_FILE);
  const data = await readOrCreateKeyringFile(path, options.dataDir);
  return createKeyring(data, {
    origin: 'file',
    persist: (next) => writeKeyringFile(path, next),
    load: () => readKeyringFile(path),
  });
}

async function readOrCreateKeyringFile(path: string, dataDir: string): Promise<KeyringData> {
  try {
    return await readKeyringFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const key = generateKey();
  const data: KeyringData = { activeKeyId: keyIdOf(key), keys: { [keyIdOf(key)]: key.toString('base64') } };
  try {
    // `wx`: two processes starting at once must not both create (and each trust) a different key.
    await writeFile(path, JSON.stringify(data, null, 2) + '\n', { flag: 'wx', mode: 0o600 });
    return data;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readKeyringFile(path);
    throw err;
  }
}

/** Reads and validates a keyring file, refusing one that group or others may read. */
export async function readKeyringFile(path: string): Promise<KeyringData> {
  const info = await stat(path);
  if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
    const mode = (info.mode & 0o777).toString(8).padStart(4, '0');
    throw new TributaryError(
      'secret_key_invalid',
      `The vault keyring file ${path} has permissions ${mode}; it must be readable by its owner only. Run: chmod 600 ${path}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new TributaryError(
      'secret_key_invalid',
      `The vault keyring file ${path} is not valid JSON; restore it from a backup.`,
      { cause: err },
    );
  }
  const result = KeyringFileSchema.safeParse(parsed);
  if (!result.success) {
    throw new TributaryError(
      'secret_key_invalid',
      `The vault keyring file ${path} must hold { "activeKeyId": "...", "keys": { "<id>": "<base64>" } }.`,
    );
  }
  for (const [id, b64] of Object.entries(result.data.keys)) parseKey(b64, `Key "${id}" in ${path}`);
  return result.data;
}

/** Replaces the keyring file atomically (write a 0600 temp file, then rename over it). */
async function writeKeyringFile(path: string, data: KeyringData): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, JSON.stringify(data, null, 2) + '\n', { flag: 'wx', mode: 0o600 });
  await rename(tmp, path);
}
