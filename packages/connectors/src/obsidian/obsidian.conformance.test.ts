import { appendFileSync, cpSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import { testConnector } from '@tributary/sdk/testing';
import { obsidianConnector } from './index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const source = path.resolve(repoRoot, '../shared/testdata/obsidian/dataview-test-vault');
const base = mkdtempSync(path.join(tmpdir(), 'tributary-obsidian-conf-'));
const vault = path.join(base, 'vault');
afterAll(() => rmSync(base, { recursive: true, force: true }));

testConnector(obsidianConnector, {
  // pageSize 5: the 22 notes span several pages, so crash/resume is tried mid-vault.
  config: { vaultPath: vault, pageSize: 5 },
  badSetups: [
    { name: 'vault missing', config: { vaultPath: path.join(base, 'missing') } },
    { name: 'ignore entry leaving the vault', config: { vaultPath: vault, ignore: ['../elsewhere'] } },
  ],
  setup() {
    rmSync(vault, { recursive: true, force: true });
    cpSync(source, vault, { recursive: true });
  },
  teardown() {
    rmSync(vault, { recursive: true, force: true });
  },
  mutate() {
    writeFileSync(path.join(vault, 'recipes', 'omelette.md'), '# Omelette\n\nEggs, butter. #breakfast\n');
    appendFileSync(path.join(vault, 'Home.md'), '\n\nAn added line about [[Books]].\n');
    unlinkSync(path.join(vault, 'recipes', 'toast.md'));
    return { added: ['recipes/omelette.md'], changed: ['Home.md'], deleted: ['recipes/toast.md'] };
  },
  grow() {
    for (let i = 0; i < 40; i++) writeFileSync(path.join(vault, `grown-${i}.md`), `# Grown ${i}\n\nA new note.\n`);
    return 40;
  },
});
