import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { testConnector } from '@tributary/sdk/testing';
import { slackExportConnector } from './index.js';
import { SLACK_ZIP, unzipToTemp } from './test-data.js';

let current: { dir: string; cleanup: () => void } | undefined;
const dir = (): string => current!.dir;

testConnector(slackExportConnector, {
  // A getter: each requirement gets a fresh temp copy of the real export.
  get config() {
    return { path: dir(), excludeSystemMessages: false };
  },
  badSetups: [
    { name: 'missing path', config: { path: '/nonexistent/slack-export.zip' } },
    { name: 'a folder that is not an export', config: { path: path.dirname(SLACK_ZIP) } },
  ],
  setup() {
    current?.cleanup();
    current = unzipToTemp();
  },
  teardown() {
    current?.cleanup();
    current = undefined;
  },
  mutate() {
    // Edit one message of a day file and add a new day file with a new message.
    const file = path.join(dir(), 'enrique', '2016-01-15.json');
    const messages = JSON.parse(readFileSync(file, 'utf8')) as Array<Record<string, unknown>>;
    const edited = messages.find((m) => m.ts === '1452845924.000009')!;
    edited.text = 'Nope. Just "install" the executor (edited).';
    writeFileSync(file, JSON.stringify(messages));
    writeFileSync(
      path.join(dir(), 'enrique', '2016-04-01.json'),
      JSON.stringify([{ type: 'message', user: 'U0BMYT2FL', ts: '1459500000.000001', text: 'new <@U0BMQB6JE>' }]),
    );
    return { added: ['C0JGLMMNX:1459500000.000001'], changed: ['C0JGLMMNX:1452845924.000009'], deleted: [] };
  },
  grow() {
    // Ten more days of the channel, one message each: the checkpoint must not grow with the day files.
    for (let d = 1; d <= 10; d++) {
      const ts = `14600${String(d).padStart(2, '0')}000.000001`;
      writeFileSync(
        path.join(dir(), 'enrique', `2016-05-${String(d).padStart(2, '0')}.json`),
        JSON.stringify([{ type: 'message', user: 'U0BMYT2FL', ts, text: `day ${d}` }]),
      );
    }
    return 10;
  },
  waivers: {
    'deletions:propagate': 'An export is a snapshot without tombstones; the connector declares no deletions.',
  },
});
