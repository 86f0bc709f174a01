import path from 'node:path';
import { testConnector } from '@tributary/sdk/testing';
import { xArchiveConnector } from './index.js';
import { copyToTemp, edit, readTweetsJs, repoRoot, tweet, writeTweetsJs } from './test-data.js';

let current: { dir: string; cleanup: () => void } | undefined;
const tweetsJs = (): string => path.join(current!.dir, 'data', 'tweets.js');

testConnector(xArchiveConnector, {
  get config() {
    return { path: current!.dir };
  },
  badSetups: [
    { name: 'missing path', config: { path: '/nonexistent/twitter-archive.zip' } },
    { name: 'a folder without tweets', config: { path: path.join(repoRoot, 'docs') } },
  ],
  setup() {
    current?.cleanup();
    current = copyToTemp();
  },
  teardown() {
    current?.cleanup();
    current = undefined;
  },
  mutate() {
    // A new tweet and an edit of an existing one (edits get new, higher ids and name their initial tweet).
    const entries = readTweetsJs(tweetsJs());
    const initial = '2029905358261502168';
    entries.unshift(
      tweet('2029999999999999999', 'a brand new tweet'),
      edit('2029999999999999998', initial, '@SamaHoole edited text', [initial, '2029999999999999998']),
    );
    writeTweetsJs(tweetsJs(), entries);
    return { added: ['2029999999999999999'], changed: [initial], deleted: [] };
  },
  waivers: {
    'deletions:propagate':
      'An archive is a snapshot; tweets deleted since are simply absent, and the connector declares no deletions.',
  },
});
