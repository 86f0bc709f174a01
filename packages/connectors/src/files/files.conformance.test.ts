import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { testConnector } from '@tributary/sdk/testing';
import { filesConnector } from './index.js';
import { makePdf, sampleFiles } from './test-support/documents.js';

const base = mkdtempSync(path.join(tmpdir(), 'tributary-files-conf-'));
const root = path.join(base, 'root');
afterAll(() => rmSync(base, { recursive: true, force: true }));

function put(rel: string, data: string | Buffer): void {
  mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  writeFileSync(path.join(root, rel), data);
}

testConnector(filesConnector, {
  // pageSize 2: the sample spans several pages, so crash/resume is tried mid-folder.
  config: { rootDir: root, pageSize: 2 },
  badSetups: [
    { name: 'rootDir missing', config: { rootDir: path.join(base, 'missing') } },
    { name: 'include leaving the root', config: { rootDir: root, include: ['../**'] } },
  ],
  setup() {
    rmSync(root, { recursive: true, force: true });
    for (const [rel, data] of Object.entries(sampleFiles())) put(rel, data);
  },
  teardown() {
    rmSync(root, { recursive: true, force: true });
  },
  mutate() {
    put('notes/new.md', '# New\n\nA fresh note.\n');
    put('docs/report.pdf', makePdf(['Revised report on seagulls and terns'], 'Seagull Report'));
    unlinkSync(path.join(root, 'src/tool.py'));
    return { added: ['notes/new.md'], changed: ['docs/report.pdf'], deleted: ['src/tool.py'] };
  },
  grow() {
    for (let i = 0; i < 30; i++) put(`grown/note-${i}.md`, `# Grown ${i}\n\nA new file.\n`);
    return 30;
  },
});
