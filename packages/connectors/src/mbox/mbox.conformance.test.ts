import { appendFileSync, copyFileSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { testConnector } from '@tributary/sdk/testing';
import { afterAll } from 'vitest';
import { makeTempDir } from '../mail/test-support/temp.js';
import { testdata } from '../mail/test-support/testdata.js';
import { mboxConnector } from './index.js';

const tmp = makeTempDir('mbox-conf');
const root = path.join(tmp.dir, 'mail');
afterAll(() => tmp.cleanup());

testConnector(mboxConnector, {
  config: { path: root, pageSize: 2 },
  badSetups: [{ name: 'missing path', config: { path: path.join(tmp.dir, 'nope.mbox') } }],
  setup() {
    rmSync(root, { recursive: true, force: true });
    mkdirSync(root, { recursive: true });
    for (const f of ['issue1189.mbox.txt', 'simple.mbox.txt', 'unmunged.mbox.txt'])
      copyFileSync(testdata('email/mbox/mimekit', f), path.join(root, f));
  },
  mutate() {
    appendFileSync(
      path.join(root, 'issue1189.mbox.txt'),
      'From 1844347900000000000@xxx\nDate: Sat, 27 Sep 2025 10:00:00 -0700\nMessage-ID: <appended@Example.com>\nSubject: Message 5\nFrom: Sender <sender@example.com>\n\nBody of message 5.\n\n',
    );
    return { added: ['appended@example.com'], changed: [], deleted: [] };
  },
  waivers: {
    'deletions:propagate':
      'mbox is append-only: a rewritten file is read again from the start, and messages gone from it are tombstoned by a full_refresh sync (documented).',
  },
});
