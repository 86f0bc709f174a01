import { testConnector } from '@tributary/sdk/testing';
import { afterAll, beforeAll } from 'vitest';
import {
  FATHOM_KEY,
  FathomState,
  meeting,
  startFathomTwin,
  type FathomTwin,
} from '../../../../test/twins/fathom/index.js';
import { fathomConnector } from './index.js';

const state = new FathomState();
let twin: FathomTwin;
beforeAll(async () => {
  twin = await startFathomTwin(state, { record: false });
});
afterAll(() => twin.close());

testConnector(fathomConnector, {
  get config() {
    // reconcile on every sync, so deletions show in the incremental read
    return { baseUrl: twin.baseUrl, reconcileHours: 0 };
  },
  credentials: { kind: 'token', token: FATHOM_KEY },
  badSetups: [{ name: 'wrong API key', credentials: { kind: 'token', token: 'nope' } }],
  setup() {
    state.meetings.clear();
    state.apiKeys.clear();
    state.apiKeys.add(FATHOM_KEY);
    for (let i = 0; i < 25; i++) state.add(meeting(i));
  },
  // a new recording, one deleted in Fathom (recordings are not edited once their content is ready)
  mutate() {
    state.add(meeting(25));
    state.remove(100_003);
    return { added: ['100025'], changed: [], deleted: ['100003'] };
  },
  grow() {
    for (let i = 25; i < 40; i++) state.add(meeting(i));
    return 15;
  },
});
