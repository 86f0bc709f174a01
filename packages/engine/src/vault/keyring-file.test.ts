import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateKey, keyIdOf } from './keyring.js';
import { KEYRING_FILE, loadKeyring } from './keyring-file.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tributary-keyring-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadKeyring', () => {
  it('uses TRIBUTARY_SECRET_KEY (hex or base64) and keeps previous keys for decryption', async () => {
    const key = generateKey();
    const old = generateKey();
    const ring = await loadKeyring({
      env: { TRIBUTARY_SECRET_KEY: key.toString('hex'), TRIBUTARY_SECRET_KEY_PREVIOUS: old.toString('base64') },
      dataDir: dir,
    });
    expect(ring.origin).toBe('env');
    expect(ring.activeKeyId()).toBe(keyIdOf(key));
    expect(ring.key(keyIdOf(old))?.equals(old)).toBe(true);
    // No key file is written when the env provides the key.
    await expect(stat(join(dir, KEYRING_FILE))).rejects.toThrow();
    await expect(ring.addKey()).rejects.toMatchObject({ code: 'unsupported' });
  });

  it('refuses a malformed TRIBUTARY_SECRET_KEY', async () => {
    await expect(loadKeyring({ env: { TRIBUTARY_SECRET_KEY: 'hunter2' }, dataDir: dir })).rejects.toMatchObject({
      code: 'secret_key_invalid',
    });
  });

  it('creates a 0600 keyring file on first use and reads the same key afterwards', async () => {
    const dataDir = join(dir, 'nested', 'data');
    const first = await loadKeyring({ env: {}, dataDir });
    const path = join(dataDir, KEYRING_FILE);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const file = JSON.parse(await readFile(path, 'utf8'));
    expect(file.activeKeyId).toBe(first.activeKeyId());
    const second = await loadKeyring({ env: {}, dataDir });
    expect(second.activeKeyId()).toBe(first.activeKeyId());
    expect(second.key(second.activeKeyId())?.equals(first.key(first.activeKeyId())!)).toBe(true);
  });

  it('two processes starting at once end up with one key', async () => {
    const rings = await Promise.all(Array.from({ length: 5 }, () => loadKeyring({ env: {}, dataDir: dir })));
    expect(new Set(rings.map((r) => r.activeKeyId())).size).toBe(1);
  });

  it('refuses a keyring file readable by group or others, saying how to fix it', async () => {
    await loadKeyring({ env: {}, dataDir: dir });
    const path = join(dir, KEYRING_FILE);
    await chmod(path, 0o644);
    await expect(loadKeyring({ env: {}, dataDir: dir })).rejects.toMatchObject({
      code: 'secret_key_invalid',
      message: expect.stringContaining(`chmod 600 ${path}`),
    });
  });

  it('refuses a corrupt keyring file', async () => {
    await writeFile(join(dir, KEYRING_FILE), '{"activeKeyId":"k1","keys":{"k1":"short"}}', { mode: 0o600 });
    await expect(loadKeyring({ env: {}, dataDir: dir })).rejects.toMatchObject({ code: 'secret_key_invalid' });
  });

  it('persists rotation: a new active key first, the old one removed on retire', async () => {
    const ring = await loadKeyring({ env: {}, dataDir: dir });
    const oldId = ring.activeKeyId();
    const newId = await ring.addKey();
    const path = join(dir, KEYRING_FILE);
    let file = JSON.parse(await readFile(path, 'utf8'));
    expect(file.activeKeyId).toBe(newId);
    expect(Object.keys(file.keys).sort()).toEqual([newId, oldId].sort());
    await ring.retire([oldId]);
    file = JSON.parse(await readFile(path, 'utf8'));
    expect(Object.keys(file.keys)).toEqual([newId]);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });
});
