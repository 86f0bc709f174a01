import { chmodSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { testConnector } from '@tributary/sdk/testing';
import { afterAll } from 'vitest';
import { copyTree, makeTempDir } from '../mail/test-support/temp.js';
import { testdata } from '../mail/test-support/testdata.js';
import { maildirConnector } from './index.js';

const tmp = makeTempDir('maildir-conf');
const root = path.join(tmp.dir, 'Maildir');
afterAll(() => tmp.cleanup());

const message = (id: string, body: string): string =>
  `From: Fixture <fixture@example.org>\nSubject: ${id}\nDate: Mon, 2 Mar 2026 10:00:00 +0000\nMessage-ID: <${id}@example.org>\n\n${body}\n`;

function makeWritable(dir: string): void {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    chmodSync(p, statSync(p).isDirectory() ? 0o755 : 0o644);
    if (statSync(p).isDirectory()) makeWritable(p);
  }
}

testConnector(maildirConnector, {
  config: { rootDir: root, pageSize: 2 },
  badSetups: [{ name: 'missing folder', config: { rootDir: path.join(tmp.dir, 'nope') } }],
  setup() {
    rmSync(root, { recursive: true, force: true });
    copyTree(testdata('email/maildir/stalwart-mail-parser'), root);
    makeWritable(root);
    writeFileSync(path.join(root, 'cur', '1700000001.M1P1.host:2,S'), message('mutable', 'first'));
    writeFileSync(path.join(root, 'cur', '1700000002.M1P1.host:2,'), message('doomed', 'bye'));
    writeFileSync(path.join(root, 'new', '1700000003.M1P1.host'), message('moving', 'moves to a subfolder'));
  },
  mutate() {
    writeFileSync(path.join(root, '.My Folder', 'new', '1700000004.M1P1.host'), message('added', 'new'));
    renameSync(path.join(root, 'cur', '1700000001.M1P1.host:2,S'), path.join(root, 'cur', '1700000001.M1P1.host:2,FS'));
    rmSync(path.join(root, 'cur', '1700000002.M1P1.host:2,'));
    renameSync(
      path.join(root, 'new', '1700000003.M1P1.host'),
      path.join(root, '.My Folder', 'cur', '1700000003.M1P1.host:2,S'),
    );
    // A flag change or a move is a new version of the same memory (metadata and container change, content not).
    return {
      added: ['added@example.org'],
      changed: ['mutable@example.org', 'moving@example.org'],
      deleted: ['doomed@example.org'],
    };
  },
});
