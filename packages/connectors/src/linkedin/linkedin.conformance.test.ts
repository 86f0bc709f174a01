import { testConnector } from '@tributary/sdk/testing';
import { afterAll, beforeAll } from 'vitest';
import {
  LINKEDIN_TOKEN,
  LinkedinState,
  seedLinkedin,
  startLinkedinTwin,
  type LinkedinTwin,
} from '../../../../test/twins/linkedin/index.js';
import { linkedinConnector } from './index.js';

const state = new LinkedinState();
let twin: LinkedinTwin;
beforeAll(async () => {
  twin = await startLinkedinTwin(state, { record: false });
});
afterAll(() => twin.close());

const urn = (i: number): string => `urn:li:share:${7100000000000000000n + BigInt(i)}`;

testConnector(linkedinConnector, {
  get config() {
    return { baseUrl: twin.url };
  },
  credentials: { kind: 'oauth2', accessToken: LINKEDIN_TOKEN },
  badSetups: [{ name: 'revoked token', credentials: { kind: 'oauth2', accessToken: 'AQV-revoked' } }],
  setup() {
    const fresh = seedLinkedin({ posts: 30, comments: 10, messages: 20 });
    state.snapshot.clear();
    for (const [k, v] of fresh.snapshot) state.snapshot.set(k, v);
    state.changes = [];
    state.tokens.add(LINKEDIN_TOKEN);
  },
  // through the change log: a post published, one edited, one deleted
  mutate() {
    const now = Date.now();
    state.publish('urn:li:share:7199999999999999999', 'A brand new post', now);
    state.edit(urn(4), 'Post 4, edited', now);
    state.unpublish(urn(9), now);
    return { added: ['urn:li:share:7199999999999999999'], changed: [urn(4)], deleted: [urn(9)] };
  },
  grow() {
    const now = Date.now();
    for (let i = 0; i < 12; i++) state.publish(`urn:li:share:${7200000000000000000n + BigInt(i)}`, `Grown ${i}`, now);
    return 12;
  },
});
