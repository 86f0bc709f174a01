import { rmSync, writeFileSync, chmodSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { testConnector } from '@tributary/sdk/testing';
import { afterAll } from 'vitest';
import { copyTree, makeTempDir } from '../mail/test-support/temp.js';
import { testdata } from '../mail/test-support/testdata.js';
import { emlConnector } from './index.js';

const tmp = makeTempDir('eml-conf');
const root = path.join(tmp.dir, 'mail');
afterAll(() => tmp.cleanup());

const message = (id: string, body: string): string =>
  `From: Fixture <fixture@example.org>\r\nTo: you@example.org\r\nSubject: ${id}\r\nDate: Mon, 2 Mar 2026 10:00:00 +0000\r\nMessage-ID: <${id}@Example.ORG>\r\n\r\n${body}\r\n`;

testConnector(emlConnector, {
  config: { rootDir: root, pageSize: 8 },
  badSetups: [
    { name: 'missing folder', config: { rootDir: path.join(tmp.dir, 'nope') } },
    { name: 'a file, not a folder', config: { rootDir: testdata('email/eml/stalwart-mail-parser/rfc/001.eml') } },
  ],
  setup() {
    rmSync(root, { recursive: true, force: true });
    // Real messages: stalwart's RFC and third-party samples (a temp copy; the shared data stays untouched).
    for (const dir of ['rfc', 'thirdparty']) {
      copyTree(
        testdata('email/eml/stalwart-mail-parser', dir),
        path.join(root, dir),
        (src) => statSync(src).isDirectory() || src.endsWith('.eml'),
      );
    }
    for (const d of readdirSync(root))
      for (const f of readdirSync(path.join(root, d))) chmodSync(path.join(root, d, f), 0o644);
    writeFileSync(path.join(root, 'mutable.eml'), message('mutable', 'first version'));
    writeFileSync(path.join(root, 'doomed.eml'), message('doomed', 'to be deleted'));
  },
  mutate() {
    writeFileSync(path.join(root, 'rfc', 'added.eml'), message('added', 'a new message'));
    writeFileSync(path.join(root, 'mutable.eml'), message('mutable', 'second, longer version'));
    rmSync(path.join(root, 'doomed.eml'));
    return { added: ['added@example.org'], changed: ['mutable@example.org'], deleted: ['doomed@example.org'] };
  },
});
