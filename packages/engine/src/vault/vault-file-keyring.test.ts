import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { loadKeyring } from './keyring-file.js';
import { createVault } from './vault.js';
import { createMemoryCredentialStore } from './test-support/memory-credential-store.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tributary-vault-file-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('a second process picks up a rotation done by the first (reads and writes use the new key)', async () => {
  const store = createMemoryCredentialStore();
  const a = createVault({ store, keyring: await loadKeyring({ env: {}, dataDir: dir }) });
  const bKeyring = await loadKeyring({ env: {}, dataDir: dir });
  const b = createVault({ store, keyring: bKeyring });
  await a.put('src-1', { kind: 'token', token: 'token-one' });
  const oldKeyId = bKeyring.activeKeyId();

  const { activeKeyId } = await a.rotate();
  expect(activeKeyId).not.toBe(oldKeyId);
  // B still holds the old keyring in memory: it reloads the file on an unknown key id and before sealing.
  expect(await b.get('src-1')).toEqual({ kind: 'token', token: 'token-one' });
  await b.put('src-2', { kind: 'token', token: 'token-two' });
  expect((await store.getCredential('src-2'))?.keyId).toBe(activeKeyId);
  expect(await a.get('src-2')).toEqual({ kind: 'token', token: 'token-two' });
  // A fresh process loads only the new key.
  const fresh = await loadKeyring({ env: {}, dataDir: dir });
  expect(fresh.keyIds()).toEqual([activeKeyId]);
});

it('an env keyring rotates onto TRIBUTARY_SECRET_KEY from TRIBUTARY_SECRET_KEY_PREVIOUS, and refuses to invent a key', async () => {
  const store = createMemoryCredentialStore();
  const oldKey = 'a'.repeat(64);
  const newKey = 'b'.repeat(64);
  const before = createVault({
    store,
    keyring: await loadKeyring({ env: { TRIBUTARY_SECRET_KEY: oldKey }, dataDir: dir }),
  });
  await before.put('src-1', { kind: 'password', password: 'pw-123456' });
  await expect(before.rotate()).rejects.toMatchObject({
    code: 'unsupported',
    message: expect.stringContaining('TRIBUTARY_SECRET_KEY_PREVIOUS'),
  });

  const keyring = await loadKeyring({
    env: { TRIBUTARY_SECRET_KEY: newKey, TRIBUTARY_SECRET_KEY_PREVIOUS: oldKey },
    dataDir: dir,
  });
  const after = createVault({ store, keyring });
  const result = await after.rotate();
  expect(result.reencrypted).toBe(1);
  expect((await store.getCredential('src-1'))?.keyId).toBe(keyring.activeKeyId());
  const onlyNew = createVault({
    store,
    keyring: await loadKeyring({ env: { TRIBUTARY_SECRET_KEY: newKey }, dataDir: dir }),
  });
  expect(await onlyNew.get('src-1')).toEqual({ kind: 'password', password: 'pw-123456' });
  await expect(before.get('src-1')).rejects.toMatchObject({ code: 'secret_key_invalid' });
});
