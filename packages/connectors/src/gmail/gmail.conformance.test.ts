import { testConnector } from '@tributary/sdk/testing';
import {
  seedGmail,
  startGmailTwin,
  syntheticMail,
  type GmailSeed,
  type GmailTwin,
} from '../../../../test/twins/google/index.js';
import { gmailConnector } from './index.js';

// 45 messages in pages of 10 (5 pages) keep the crash-after-any-page matrix quick; gmail.test.ts runs 5,000.
let seed: GmailSeed;
let twin: GmailTwin | undefined;

testConnector(gmailConnector, {
  get config() {
    return { rootUrl: twin?.rootUrl ?? 'http://127.0.0.1:9/', pageSize: 10 };
  },
  credentials: { kind: 'oauth2', accessToken: 'ya29.twin-token' },
  badSetups: [
    { name: 'unknown token', credentials: { kind: 'oauth2', accessToken: 'ya29.forged' } },
    { name: 'expired token that does not refresh', credentials: { kind: 'oauth2', accessToken: 'ya29.expired' } },
    { name: 'no credential', credentials: undefined },
  ],
  async setup() {
    seed = seedGmail(45);
    seed.state.tokens.set('ya29.expired', 'expired');
    twin = await startGmailTwin(seed.state);
  },
  async teardown() {
    await twin?.close();
    twin = undefined;
  },
  mutate() {
    const s = seed.state;
    s.add(syntheticMail(1000), { date: Date.UTC(2026, 1, 1) });
    s.add(syntheticMail(1001), { date: Date.UTC(2026, 1, 2) });
    // A label change is a new version (other tags); a permanent delete and a move to trash are tombstones.
    s.modifyLabels(seed.ids[3]!, ['STARRED']);
    s.remove(seed.ids[4]!);
    s.trash(seed.ids[6]!);
    return {
      added: ['m1000@twin.example', 'm1001@twin.example'],
      changed: ['m3@twin.example'],
      deleted: ['m4@twin.example', 'm6@twin.example'],
    };
  },
  grow() {
    for (let n = 2000; n < 2030; n++) seed.state.add(syntheticMail(n), { date: Date.UTC(2026, 2, 1) + n * 1000 });
    return 30;
  },
});
