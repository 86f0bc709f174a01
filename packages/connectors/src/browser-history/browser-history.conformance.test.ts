import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { testConnector } from '@tributary/sdk/testing';
import { afterAll } from 'vitest';
import { makeTempDir } from '../mail/test-support/temp.js';
import { testdata } from '../mail/test-support/testdata.js';
import { browserHistoryConnector } from './index.js';

const tmp = makeTempDir('history-conf');
const profile = path.join(tmp.dir, 'Default');
const history = path.join(profile, 'History');
afterAll(() => tmp.cleanup());

testConnector(browserHistoryConnector, {
  config: { browser: 'chrome', path: history, pageSize: 10 },
  badSetups: [
    { name: 'missing database', config: { browser: 'chrome', path: path.join(tmp.dir, 'nope', 'History') } },
    { name: 'not a history database', config: { path: testdata('email/mbox/mimekit/simple.mbox.txt') } },
    {
      name: 'browser does not match the file',
      config: { browser: 'firefox', path: testdata('browser/chrome/grr-History') },
    },
  ],
  setup() {
    rmSync(profile, { recursive: true, force: true });
    mkdirSync(profile, { recursive: true });
    copyFileSync(testdata('browser/chrome/grr-History'), history);
  },
  mutate() {
    const db = new Database(history);
    try {
      const t = (Date.UTC(2026, 2, 2) + 11_644_473_600_000) * 1000;
      db.prepare(
        'INSERT INTO visits (url, visit_time, from_visit, transition, segment_id, is_indexed) VALUES (1, ?, 0, 1, 0, 0)',
      ).run(t);
      db.prepare('UPDATE urls SET visit_count = visit_count + 1, last_visit_time = ? WHERE id = 1').run(t);
      const id = db
        .prepare(
          `INSERT INTO urls (url, title, visit_count, typed_count, last_visit_time, hidden, favicon_id) VALUES ('https://added.example.org/', 'Added', 1, 0, ?, 0, 0)`,
        )
        .run(t).lastInsertRowid;
      db.prepare(
        'INSERT INTO visits (url, visit_time, from_visit, transition, segment_id, is_indexed) VALUES (?, ?, 0, 0, 0, 0)',
      ).run(id, t);
      const changed = (db.prepare('SELECT url FROM urls WHERE id = 1').get() as { url: string }).url;
      return { added: ['https://added.example.org/'], changed: [changed], deleted: [] };
    } finally {
      db.close();
    }
  },
  waivers: {
    'deletions:propagate':
      'Browsers delete history rows without a trace (no tombstones); pages removed upstream are tombstoned by a full_refresh sync.',
  },
});
