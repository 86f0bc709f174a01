import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createSqliteStore, createVault, loadKeyring } from '@tributary/engine';
import { runCli } from './test-support/spawn-cli.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

it('`tributary vault rotate` re-encrypts stored credentials under a new key; the old key no longer opens them', async () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tributary-vault-'));
  dirs.push(dataDir);
  const env = { TRIBUTARY_HOME: dataDir, GH_TOKEN: 'ghp_' + 'k'.repeat(36) };
  const add = await runCli(
    [
      'sources',
      'add',
      'github',
      '--name',
      'gh',
      '--set',
      'repos=["acme/widgets"]',
      '--credential-env',
      'GH_TOKEN',
      '--no-check',
    ],
    env,
  );
  expect(add.code, add.stderr).toBe(0);
  const keyringFile = path.join(dataDir, 'keyring.json');
  const before = readFileSync(keyringFile, 'utf8');
  const rotated = await runCli(['vault', 'rotate', '--json'], env);
  expect(rotated.code, rotated.stderr).toBe(0);
  const result = JSON.parse(rotated.stdout) as { activeKeyId: string; reencrypted: number; retiredKeyIds: string[] };
  expect(result.reencrypted).toBeGreaterThanOrEqual(1);
  expect(result.retiredKeyIds).toContain((JSON.parse(before) as { activeKeyId: string }).activeKeyId);

  // The new key opens the credential; the old keyring no longer does.
  const store = createSqliteStore({ path: path.join(dataDir, 'tributary.db') });
  await store.migrate();
  try {
    const [source] = await store.listSources();
    const fresh = createVault({ store, keyring: await loadKeyring({ env: {}, dataDir }) });
    expect(await fresh.get(source!.id)).toMatchObject({ kind: 'token', token: env.GH_TOKEN });
    const oldDir = mkdtempSync(path.join(os.tmpdir(), 'tributary-oldkey-'));
    dirs.push(oldDir);
    writeFileSync(path.join(oldDir, 'keyring.json'), before, { mode: 0o600 });
    const stale = createVault({ store, keyring: await loadKeyring({ env: {}, dataDir: oldDir }) });
    await expect(stale.get(source!.id)).rejects.toMatchObject({ code: 'secret_key_invalid' });
  } finally {
    await store.close();
  }
}, 120_000);
