import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TributaryError, createLogger, type LogRecord } from '@tributary/sdk';
import { generateKey, keyringFromKey, createKeyring, type Keyring } from './keyring.js';
import { createVault, type Vault } from './vault.js';
import type { StoredCredential } from './credential.js';
import { CREDENTIAL_BACKENDS, type CredentialBackend } from './test-support/backends.js';

const PLAINTEXTS = {
  bot: 'xoxb-1111-2222-plaintext-bot-token',
  password: 'imap-password-plaintext-Zq8!',
  access: 'access-token-plaintext-9f8e7d',
  refresh: 'refresh-token-plaintext-0a1b2c',
};

/** Collects everything a thrown error exposes: message, details, and the whole cause chain. */
function errorText(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err; e; e = (e as { cause?: unknown }).cause) {
    parts.push(String(e), JSON.stringify(e, Object.getOwnPropertyNames(e)));
  }
  return parts.join('\n');
}

async function rejection(p: Promise<unknown>): Promise<TributaryError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(TributaryError);
    return err as TributaryError;
  }
  throw new Error('expected a rejection');
}

function memoryKeyring(): Keyring {
  const key = generateKey();
  return keyringFromKey(key);
}

describe.each(CREDENTIAL_BACKENDS)('vault on the $name store', ({ create }) => {
  let backend: CredentialBackend;
  let keyring: Keyring;
  let vault: Vault;
  let logs: LogRecord[];

  beforeEach(async () => {
    backend = await create();
    keyring = memoryKeyring();
    logs = [];
    vault = createVault({
      store: backend.store,
      keyring,
      logger: createLogger((r) => logs.push(r), { level: 'debug' }),
    });
    for (const id of ['src-1', 'src-2', 'src-3']) await backend.addSource(id);
  });
  afterEach(async () => {
    await backend.close();
  });

  it('round-trips every credential kind and hides the refresh token from connectors', async () => {
    const oauth: StoredCredential = {
      kind: 'oauth2',
      provider: 'google',
      accessToken: PLAINTEXTS.access,
      refreshToken: PLAINTEXTS.refresh,
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      scope: 'a b',
    };
    await vault.put('src-1', oauth);
    await vault.put('src-2', { kind: 'token', token: PLAINTEXTS.bot });
    await vault.put('src-3', { kind: 'password', username: 'me', password: PLAINTEXTS.password });
    expect(await vault.get('src-1')).toEqual(oauth);
    expect(await vault.get('src-2')).toEqual({ kind: 'token', token: PLAINTEXTS.bot });
    expect(await vault.get('src-3')).toEqual({ kind: 'password', username: 'me', password: PLAINTEXTS.password });
    const seen = await vault.credentialAccess('src-1', { type: 'oauth2', provider: 'google' }).get();
    expect(seen).toEqual({ kind: 'oauth2', accessToken: PLAINTEXTS.access, expiresAt: oauth.expiresAt, scope: 'a b' });
    expect(JSON.stringify(seen)).not.toContain(PLAINTEXTS.refresh);
    expect(await vault.get('nope')).toBeUndefined();
    expect(await vault.delete('src-2')).toBe(true);
    expect(await vault.get('src-2')).toBeUndefined();
  });

  it('refuses an invalid credential without storing anything or echoing it', async () => {
    const err = await rejection(vault.put('src-1', { kind: 'oauth2', accessToken: '' } as StoredCredential));
    expect(err.code).toBe('invalid_input');
    expect(await backend.store.getCredential('src-1')).toBeNull();
  });

  it('stores only ciphertext: the plaintexts appear nowhere in the database file', async () => {
    await vault.put('src-1', { kind: 'oauth2', accessToken: PLAINTEXTS.access, refreshToken: PLAINTEXTS.refresh });
    await vault.put('src-2', { kind: 'token', token: PLAINTEXTS.bot });
    await vault.put('src-3', { kind: 'password', password: PLAINTEXTS.password });
    const rows = JSON.stringify(await backend.store.listCredentials());
    for (const p of Object.values(PLAINTEXTS)) expect(rows).not.toContain(p);
    if (backend.dbFile) {
      // Read the raw bytes of the database and its WAL (where fresh writes live until a checkpoint).
      const files = await Promise.all(
        [backend.dbFile, `${backend.dbFile}-wal`].map((f) => readFile(f).catch(() => Buffer.alloc(0))),
      );
      const raw = Buffer.concat(files);
      expect(raw.length).toBeGreaterThan(0);
      for (const p of Object.values(PLAINTEXTS)) expect(raw.includes(Buffer.from(p))).toBe(false);
      // The ciphertext is really there, so the search looked at the right bytes.
      const env = await backend.store.getCredential('src-2');
      expect(raw.includes(Buffer.from(env!.ciphertext))).toBe(true);
    }
  });

  it('refuses a tampered row, a row moved to another source and a wrong key with secret_key_invalid', async () => {
    await vault.put('src-1', { kind: 'token', token: PLAINTEXTS.bot });
    const env = (await backend.store.getCredential('src-1'))!;
    const { updatedAt: _u, revision: _r, ...sealed } = env;

    const bytes = Buffer.from(sealed.ciphertext, 'base64');
    bytes[0] = bytes[0]! ^ 0x01;
    await backend.store.putCredential({ ...sealed, sourceId: 'src-3', ciphertext: bytes.toString('base64') });
    await backend.store.putCredential({ ...sealed, sourceId: 'src-2' });
    for (const id of ['src-2', 'src-3']) {
      const err = await rejection(vault.get(id));
      expect(err.code).toBe('secret_key_invalid');
      expect(errorText(err)).not.toContain(PLAINTEXTS.bot);
    }

    const wrongKey = createVault({
      store: backend.store,
      keyring: createKeyring({ activeKeyId: env.keyId, keys: { [env.keyId]: generateKey().toString('base64') } }),
    });
    expect((await rejection(wrongKey.get('src-1'))).code).toBe('secret_key_invalid');
    const missingKey = createVault({ store: backend.store, keyring: memoryKeyring() });
    const err = await rejection(missingKey.credentialAccess('src-1').get());
    expect(err.code).toBe('secret_key_invalid');
    expect(errorText(err)).not.toContain(PLAINTEXTS.bot);
    // The untouched row still decrypts with the right key.
    expect(await vault.get('src-1')).toEqual({ kind: 'token', token: PLAINTEXTS.bot });
  });

  it('rotates the key while reads are happening; everything decrypts and the old key no longer works', async () => {
    const ids = Array.from({ length: 12 }, (_, i) => `rot-${i}`);
    for (const id of ids) {
      await backend.addSource(id);
      await vault.put(id, { kind: 'token', token: `${PLAINTEXTS.bot}-${id}` });
    }
    const oldKeyId = keyring.activeKeyId();
    const oldKey = keyring.key(oldKeyId)!;
    let rotating = true;
    let reads = 0;
    const reader = (async () => {
      while (rotating) {
        const got = await Promise.all(ids.map((id) => vault.get(id)));
        got.forEach((c, i) => expect(c).toEqual({ kind: 'token', token: `${PLAINTEXTS.bot}-${ids[i]}` }));
        reads += got.length;
      }
    })();
    const result = await vault.rotate();
    rotating = false;
    await reader;
    expect(reads).toBeGreaterThan(0);
    expect(result.reencrypted).toBe(ids.length);
    expect(result.retiredKeyIds).toEqual([oldKeyId]);
    expect(keyring.key(oldKeyId)).toBeUndefined();
    const envelopes = await backend.store.listCredentials();
    expect(envelopes.map((e) => e.keyId)).toEqual(ids.map(() => result.activeKeyId));
    for (const id of ids) expect(await vault.get(id)).toEqual({ kind: 'token', token: `${PLAINTEXTS.bot}-${id}` });
    const oldOnly = createVault({ store: backend.store, keyring: keyringFromKey(oldKey) });
    expect((await rejection(oldOnly.get(ids[0]!))).code).toBe('secret_key_invalid');
    expect(logs.some((l) => l.message === 'vault key rotated')).toBe(true);
  });

  it('keeps writes made during a rotation (CAS on the revision, retried on conflict)', async () => {
    const ids = Array.from({ length: 10 }, (_, i) => `w-${i}`);
    for (const id of ids) {
      await backend.addSource(id);
      await vault.put(id, { kind: 'token', token: `before-${id}` });
    }
    const rotation = vault.rotate();
    await Promise.all(ids.map((id) => vault.put(id, { kind: 'token', token: `after-${id}` })));
    const result = await rotation;
    for (const id of ids) expect(await vault.get(id)).toEqual({ kind: 'token', token: `after-${id}` });
    expect((await backend.store.listCredentials()).every((e) => e.keyId === result.activeKeyId)).toBe(true);
  });

  it('never puts plaintext into logs or errors', async () => {
    await vault.put('src-1', {
      kind: 'oauth2',
      provider: 'nowhere',
      accessToken: PLAINTEXTS.access,
      refreshToken: PLAINTEXTS.refresh,
      expiresAt: new Date(0).toISOString(),
    });
    await vault.put('src-2', { kind: 'password', password: PLAINTEXTS.password });
    // No OAuth client configured: the refresh fails and the source needs reauthorization.
    const err = await rejection(vault.credentialAccess('src-1').get());
    expect(err.code).toBe('reauthorization_required');
    await vault.rotate();
    const errs = [err, await rejection(createVault({ store: backend.store, keyring: memoryKeyring() }).get('src-2'))];
    const text = errs.map(errorText).join('\n') + JSON.stringify(logs);
    for (const p of Object.values(PLAINTEXTS)) expect(text).not.toContain(p);
    expect(logs.length).toBeGreaterThan(0);
  });
});
