import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { testConnector } from '@tributary/sdk/testing';
import { afterAll } from 'vitest';
import { linkedinExportConnector } from './index.js';
import { toRowItem } from './map.js';
import {
  commentRow,
  connectionRow,
  messageRow,
  sampleExport,
  shareRow,
  shareUrnOf,
  writeExport,
} from './test-support/archive.js';

const base = mkdtempSync(path.join(tmpdir(), 'tributary-linkedin-conf-'));
const zip = path.join(base, 'Basic_LinkedInDataExport.zip');
const notLinkedin = path.join(base, 'not-linkedin');
mkdirSync(notLinkedin);
writeFileSync(path.join(notLinkedin, 'notes.csv'), 'a,b\n1,2\n');
afterAll(() => rmSync(base, { recursive: true, force: true }));

const idOf = (stream: 'comments' | 'messages' | 'connections', row: Record<string, string>): string => {
  const r = toRowItem(stream, row);
  if ('error' in r) throw new Error(r.error);
  return r.item.externalId;
};
const initial = () => sampleExport({ shares: 10, comments: 6, messages: 12, articles: 2 });

testConnector(linkedinExportConnector, {
  config: { archivePath: zip, pageSize: 7 },
  badSetups: [
    { name: 'no archive', config: { archivePath: path.join(base, 'missing.zip') } },
    { name: 'a folder without LinkedIn files', config: { archivePath: notLinkedin } },
  ],
  setup() {
    rmSync(zip, { force: true });
    writeExport(zip, initial());
  },
  teardown() {
    rmSync(zip, { force: true });
  },
  // a newer archive: a post edited and one published, a comment and a message deleted, a new connection
  mutate() {
    const next = initial();
    const rows = next.rows;
    rows['Shares.csv']![3] = shareRow(3, 'Post 3, edited after publishing.');
    rows['Shares.csv']!.push(shareRow(10));
    const [gone] = rows['Comments.csv']!.splice(2, 1);
    const [goneMessage] = rows['messages.csv']!.splice(5, 1);
    rows['Connections.csv']!.push(connectionRow(99));
    writeExport(zip, next);
    return {
      added: [shareUrnOf(10), idOf('connections', connectionRow(99))],
      changed: [shareUrnOf(3)],
      deleted: [idOf('comments', gone!), idOf('messages', goneMessage!)],
    };
  },
  grow() {
    const next = initial();
    for (let i = 0; i < 20; i++) next.rows['messages.csv']!.push(messageRow(100 + i));
    next.rows['Comments.csv']!.push(commentRow(50));
    writeExport(zip, next);
    return 21;
  },
});
