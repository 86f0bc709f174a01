import { testConnector } from '@tributary/sdk/testing';
import { afterAll, beforeAll } from 'vitest';
import { addPosts, seedX, startXTwin, TWIN_TOKEN, XState, type XTwin } from '../../../../test/twins/x/index.js';
import { xConnector } from './index.js';

const state = new XState();
let twin: XTwin;
beforeAll(async () => {
  twin = await startXTwin(state, { record: false });
});
afterAll(() => twin.close());

// 120 posts, 12 mentions, 6 bookmarks and likes; pages of 25, so a crash can fall between pages of every stream.
const fixture = {
  get config() {
    return { baseUrl: twin.url, pageSize: 25, plan: 'pro' };
  },
  credentials: { kind: 'token', token: TWIN_TOKEN } as const,
  features: { mentions: true, bookmarks: true, likes: true },
  badSetups: [
    { name: 'unknown token', credentials: { kind: 'token', token: 'x-twin-wrong' } as const },
    {
      name: 'unknown user id',
      get config() {
        return { baseUrl: twin.url, userId: '42' };
      },
    },
  ],
  waivers: {
    'deletions:propagate':
      'X timelines list only posts that exist; a deleted post just stops appearing below since_id, so deletions are not declared (docs/connectors/x.md).',
  },
  setup() {
    Object.assign(state, seedX({ posts: 120, mentions: 12, saved: 6 }));
  },
  // one new post, one post edited (a new id that becomes a new version of the first post's memory)
  mutate() {
    const [added] = addPosts(state, 1);
    const first = [...state.posts.values()][0]!;
    state.editPost(first.id, 'Post 0, edited: notes on streams & memory');
    return { added: [added!], changed: [first.id], deleted: [] };
  },
  grow() {
    addPosts(state, 30);
    return 30;
  },
};

testConnector(xConnector, fixture);
