import { testConnector } from '@tributary/sdk/testing';
import { afterAll, beforeAll } from 'vitest';
import {
  seedYoutube,
  startYoutubeTwin,
  TWIN_API_KEY,
  TWIN_CHANNEL,
  videoId,
  YoutubeState,
  type YoutubeTwin,
} from '../../../../test/twins/youtube/index.js';
import { youtubeConnector } from './index.js';

const state = new YoutubeState();
let twin: YoutubeTwin;
beforeAll(async () => {
  twin = await startYoutubeTwin(state, { record: false });
});
afterAll(() => twin.close());

/** Fills the twin's (shared) state with a fresh channel of `n` videos. */
function reseed(n: number): void {
  const { state: fresh } = seedYoutube(n);
  for (const key of ['channels', 'videos', 'apiKeys', 'tokens'] as const) {
    (state[key] as Map<unknown, unknown> | Set<unknown>).clear();
    for (const entry of fresh[key] as Iterable<unknown>) {
      if (state[key] instanceof Set) (state[key] as Set<unknown>).add(entry);
      else (state[key] as Map<unknown, unknown>).set(...(entry as [unknown, unknown]));
    }
  }
  state.newDay();
}

// 60 videos: two playlist pages of 50, so a crash can fall between pages
const fixture = {
  get config() {
    return { channelId: TWIN_CHANNEL, rootUrl: twin.rootUrl, webUrl: twin.url };
  },
  credentials: { kind: 'token', token: TWIN_API_KEY } as const,
  badSetups: [
    { name: 'wrong API key', credentials: { kind: 'token', token: 'AIza-wrong' } as const },
    {
      name: 'unknown channel',
      get config() {
        return { channelId: 'UCnobody000000000000000x', rootUrl: twin.rootUrl, webUrl: twin.url };
      },
    },
  ],
  setup() {
    reseed(60);
  },
  // one upload, one title edited, one deleted, one made private
  mutate() {
    const n = state.videos.size;
    const fresh = seedYoutube(n + 1).videos[n]!;
    state.addVideo(fresh);
    state.videos.get(videoId(3))!.title = 'Video 3, retitled';
    state.videos.get(videoId(7))!.deleted = true;
    state.videos.get(videoId(55))!.privacy = 'private';
    return { added: [fresh.id], changed: [videoId(3)], deleted: [videoId(7), videoId(55)] };
  },
  grow() {
    const n = state.videos.size;
    for (const v of seedYoutube(n + 10).videos.slice(n)) state.addVideo(v);
    return 10;
  },
};

testConnector(youtubeConnector, fixture);
