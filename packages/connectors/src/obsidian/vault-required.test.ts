import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '@tributary/sdk';
import { collectPages, createTestContext } from '@tributary/sdk/testing';
import { obsidianConnector } from './index.js';

// A vaultPath without `.obsidian/` (a typo, a parent folder) would index a whole tree: refused unless asked for.
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tributary-novault-'));
  mkdirSync(path.join(dir, 'node_modules', 'pkg'), { recursive: true });
  writeFileSync(path.join(dir, 'README.md'), '# Not a vault\n');
  writeFileSync(path.join(dir, 'node_modules', 'pkg', 'CHANGELOG.md'), '# noise\n');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('obsidian requires a vault', () => {
  it('refuses a folder without .obsidian when the source is configured, checked and read', async () => {
    let err: any;
    try {
      parseConfig(obsidianConnector, { vaultPath: dir });
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'invalid_config' });
    expect(err.issues).toEqual([{ path: 'config.vaultPath', message: expect.stringMatching(/no \.obsidian folder/) }]);
    expect(err.message).toMatch(/requireVault: false/);
    expect(() => createTestContext(obsidianConnector, { config: { vaultPath: dir } })).toThrow(/not an Obsidian vault/);
  });

  it('reads a plain folder of notes with requireVault: false, and a real vault by default', async () => {
    const plain = await collectPages(
      obsidianConnector,
      createTestContext(obsidianConnector, { config: { vaultPath: dir, requireVault: false } }),
    );
    expect(plain.flatMap((p) => p.items ?? []).map((i) => i.externalId)).toEqual(['README.md']);
    mkdirSync(path.join(dir, '.obsidian'));
    const vault = await collectPages(
      obsidianConnector,
      createTestContext(obsidianConnector, { config: { vaultPath: dir } }),
    );
    expect(vault.flatMap((p) => p.items ?? [])).toHaveLength(1);
  });

  it('leaves a missing path to check and read, which say it does not exist', async () => {
    const missing = path.join(dir, 'nope');
    const ctx = createTestContext(obsidianConnector, { config: { vaultPath: missing } });
    await expect(obsidianConnector.check(ctx)).rejects.toMatchObject({ code: 'invalid_config' });
  });
});
