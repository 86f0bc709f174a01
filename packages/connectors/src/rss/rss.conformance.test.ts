import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { testConnector } from '@tributary/sdk/testing';
import { rssConnector } from './index.js';
import { GUARDIAN, GUARDIAN_FIRST_GUID, mutateGuardian } from './test-data.js';

let dir: string | undefined;
const feedFile = (): string => path.join(dir!, 'guardian.rss');

testConnector(rssConnector, {
  get config() {
    return { path: feedFile() };
  },
  badSetups: [
    { name: 'missing file', config: { path: '/nonexistent/feed.xml' } },
    { name: 'not a feed', config: { path: path.join(path.dirname(GUARDIAN), 'unrecognized.rss') } },
  ],
  setup() {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = mkdtempSync(path.join(os.tmpdir(), 'rss-conformance-'));
    copyFileSync(GUARDIAN, feedFile());
  },
  teardown() {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  },
  mutate() {
    writeFileSync(feedFile(), mutateGuardian(readFileSync(feedFile(), 'utf8')));
    return { added: ['urn:test:new'], changed: [GUARDIAN_FIRST_GUID], deleted: [] };
  },
  waivers: {
    'deletions:propagate':
      'Feeds drop old entries as new ones arrive; an entry leaving a feed is not a deletion, so the connector declares none.',
  },
});
