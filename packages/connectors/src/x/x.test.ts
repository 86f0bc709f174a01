import { createManualClock, createTokenBucket, type Page } from '@tributary/sdk';
import { applyPages, collectPages, createConnectorContext, createTestContext } from '@tributary/sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addPosts,
  seedX,
  startXTwin,
  TWIN_BASE_TOKEN,
  TWIN_TOKEN,
  TWIN_USER,
  XState,
  xResponsePointer,
  xSpecValidator,
  type XTwin,
} from '../../../../test/twins/x/index.js';
import type { XCheckpoint } from './checkpoint.js';
import { xConnector } from './index.js';
import { xManifest } from './manifest.js';

const state = new XState();
let twin: XTwin;
beforeAll(async () => {
  twin = await startXTwin(state);
});
afterAll(() => twin.close());

const reseed = (opts: Parameters<typeof seedX>[0]): void => {
  Object.assign(state, seedX(opts));
  twin.resetCounts();
};
const token = { kind: 'token', token: TWIN_TOKEN } as const;
type ReadOptions = Parameters<typeof createTestContext<typeof xConnector>>[1];
const read = async (opts: ReadOptions = {}) => {
  const ctx = createTestContext(xConnector, {
    credentials: token,
    ...opts,
    config: { baseUrl: twin.url, plan: 'pro', ...(opts.config as object) },
  });
  const pages = (await collectPages(xConnector, ctx)) as Array<Page<XCheckpoint>>;
  return { ctx, pages, items: pages.flatMap((p) => p.items ?? []), last: pages[pages.length - 1]! };
};

/** Where each twin route's 200 answer is described in X's OpenAPI document. */
const SPEC_PATHS: Record<string, string> = {
  'users.me': '/2/users/me',
  'users.get': '/2/users/{id}',
  'users.tweets': '/2/users/{id}/tweets',
  'users.mentions': '/2/users/{id}/mentions',
  'users.bookmarks': '/2/users/{id}/bookmarks',
  'users.likedTweets': '/2/users/{id}/liked_tweets',
};

describe('x: posts, edits, note posts and threads', () => {
  it('2,000 posts then 50 edits: 2,000 memories, exactly the 50 edited get a second version, answers match the spec', async () => {
    reseed({ posts: 2000 });
    const first = await read();
    const stored = applyPages(new Map(), first.pages);
    expect(stored.size).toBe(2000);
    expect(first.items).toHaveLength(2000);
    // 20 pages of 100, the one /users/me, and the (empty) mentions the default features read
    expect(twin.counts()).toEqual({ 'users.me': 1, 'users.tweets': 20, 'users.mentions': 1 });

    const ids = [...state.posts.keys()];
    const edited = ids.filter((_, i) => i % 40 === 7).slice(0, 50);
    expect(edited).toHaveLength(50);
    for (const id of edited) state.editPost(id, `${state.posts.get(id)!.text} (edited)`);

    const second = await read({ checkpoint: first.last.checkpoint, state: first.ctx.state });
    expect(second.items.map((i) => i.externalId).sort()).toEqual([...edited].sort());
    for (const item of second.items) {
      expect(item.content).toMatch(/\(edited\)$/);
      expect(item.metadata).toMatchObject({ editOf: item.externalId, versions: 2 });
    }
    applyPages(stored, second.pages);
    expect(stored.size).toBe(2000);
    // The edit asked only what is newer than the first sync: one page, no walk over the 2,000.
    expect(twin.counts()['users.tweets']).toBe(21);

    const third = await read({ checkpoint: second.last.checkpoint, state: second.ctx.state });
    expect(third.items).toEqual([]);

    const validator = xSpecValidator();
    const answers = twin.exchanges.filter((e) => e.status === 200);
    expect(answers.length).toBeGreaterThan(20);
    for (const e of answers) expect(validator.validate(xResponsePointer(SPEC_PATHS[e.route]!), e.body)).toEqual([]);
  });

  it('note posts keep their full text; replies are threads of their conversation', async () => {
    reseed({ posts: 60 });
    const { items } = await read();
    const byTweet = new Map(items.map((i) => [i.metadata!.tweetId as string, i]));
    const notes = items.filter((i) => i.metadata?.notePost === true);
    expect(notes).toHaveLength(2);
    for (const n of notes) {
      expect(n.content.length).toBeGreaterThan(280);
      expect(n.content).toMatch(/end of note \d+\.$/);
    }
    const replies = [...state.posts.values()].filter((p) => p.inReplyTo);
    expect(replies.length).toBeGreaterThan(3);
    for (const r of replies) {
      const item = byTweet.get(r.id)!;
      expect(item.thread).toBe(r.conversationId);
      expect(item.metadata?.inReplyTo).toBe(r.inReplyTo!.postId);
      expect(byTweet.get(r.conversationId)?.thread).toBe(r.conversationId);
    }
    const linked = items.find((i) => i.metadata!.tweetId === [...state.posts.keys()][3])!;
    expect(linked.content).toContain('https://example.org/article/3');
    expect(linked.content).not.toContain('t.co');
    expect(linked.content).toContain('streams & memory');
    expect(linked.author).toBe(`${TWIN_USER.name} (@${TWIN_USER.username})`);
    expect(linked.url).toBe(`https://x.com/${TWIN_USER.username}/status/${linked.externalId}`);
  });

  it('mentions, bookmarks and likes are their own streams, incremental without since_id for saved posts', async () => {
    reseed({ posts: 30, mentions: 40, saved: 12 });
    const features = { mentions: true, bookmarks: true, likes: true };
    const first = await read({ features, config: { pageSize: 5 } });
    const count = (s: string) => first.items.filter((i) => i.stream === s).length;
    expect([count('tweets'), count('mentions'), count('bookmarks'), count('likes')]).toEqual([30, 40, 12, 12]);
    expect(first.items.find((i) => i.stream === 'likes')!.externalId).toMatch(/^likes:\d+$/);
    // one more bookmark: the next sync reads bookmarks until the newest one it already has
    const other = [...state.posts.values()].find(
      (p) => p.authorId !== TWIN_USER.id && !state.bookmarks.get(TWIN_USER.id)!.includes(p.id),
    )!;
    state.bookmarks.get(TWIN_USER.id)!.unshift(other.id);
    twin.resetCounts();
    const next = await read({
      features,
      config: { pageSize: 5 },
      checkpoint: first.last.checkpoint,
      state: first.ctx.state,
    });
    expect(next.items.map((i) => i.externalId)).toEqual([`bookmarks:${other.id}`]);
    expect(twin.counts()['users.bookmarks']).toBe(1);

    // A page token X no longer accepts (kept across syncs for bookmarks): the walk starts again from the top.
    const stale = {
      ...next.last.checkpoint,
      bookmarks: { ...next.last.checkpoint.bookmarks, token: 'bm90LWEtdG9rZW4' },
    };
    const restarted = await read({ features, config: { pageSize: 5 }, checkpoint: stale, state: next.ctx.state });
    expect(restarted.items).toEqual([]);
    expect(restarted.last.checkpoint.bookmarks).toEqual({ sinceId: other.id });
  });
});

describe('x: first sync bounded by backfillDays', () => {
  it('reads only the last N days, then everything new', async () => {
    reseed({ posts: 10 });
    state.clockMs += 10 * 86_400_000;
    const recent = addPosts(state, 5);
    const clock = createManualClock(state.clockMs + 60_000);
    const first = await read({ clock, config: { backfillDays: 3 } });
    expect(first.items.map((i) => i.externalId).sort()).toEqual([...recent].sort());
    const more = addPosts(state, 2);
    const next = await read({
      clock,
      config: { backfillDays: 3 },
      checkpoint: first.last.checkpoint,
      state: first.ctx.state,
    });
    expect(next.items.map((i) => i.externalId).sort()).toEqual([...more].sort());
  });
});

describe('x: monthly post cap', () => {
  it('stops cleanly at the cap with the reset time, calls nothing until then, and resumes next period without loss', async () => {
    reseed({ posts: 2000 });
    const clock = createManualClock(Date.UTC(2026, 2, 10, 12));
    const config = { plan: 'basic', monthlyPostReads: 1500, capResetDay: 1 };
    const first = await read({ clock, config });
    expect(first.items).toHaveLength(1500);
    expect(state.postsServed).toBe(1500);
    expect(first.last.errors).toEqual([{ message: expect.stringContaining('2026-04-01T00:00:00.000Z') }]);
    expect(first.last.errors![0]!.message).toContain('1500 of 1500 posts');
    expect(first.last.checkpoint).toMatchObject({ period: '2026-03-01', postsRead: 1500 });
    expect(first.ctx.metricUpdates.at(-1)).toEqual({ name: 'posts_read_month', op: 'set', value: 1500 });

    // Later the same month: nothing is asked of X.
    twin.resetCounts();
    clock.set(Date.UTC(2026, 2, 30));
    const again = await read({ clock, config, checkpoint: first.last.checkpoint, state: first.ctx.state });
    expect(again.items).toEqual([]);
    expect(twin.total()).toBe(0);
    expect(again.last.errors![0]!.message).toContain('2026-04-01T00:00:00.000Z');

    // Next period: the walk continues where it stopped.
    clock.set(Date.UTC(2026, 3, 2));
    const resumed = await read({ clock, config, checkpoint: again.last.checkpoint, state: again.ctx.state });
    expect(resumed.items).toHaveLength(500);
    expect(resumed.pages.some((p) => p.errors?.length)).toBe(false);
    const all = [...first.items, ...resumed.items].map((i) => i.externalId);
    expect(new Set(all).size).toBe(2000);
    expect(state.postsServed).toBe(2000);
    expect(resumed.last.checkpoint).toMatchObject({ period: '2026-04-01', postsRead: 500 });
    // and the cursor is complete: an incremental sync finds nothing new
    const after = await read({ clock, config, checkpoint: resumed.last.checkpoint, state: resumed.ctx.state });
    expect(after.items).toEqual([]);
  });

  it('refuses an enterprise plan without its cap, naming the field', () => {
    expect(() => createConnectorContext(xConnector, { config: { plan: 'enterprise' } })).toThrow(/monthlyPostReads/);
    const parsed = xManifest.config.safeParse({ plan: 'pro', pageSize: 500 });
    expect(parsed.success).toBe(false);
  });
});

describe('x: rate limits, tokens and scopes', () => {
  it('a spent 15-minute window pauses the shared limiter until x-rate-limit-reset, and a 429 is waited out', async () => {
    reseed({ posts: 400 });
    state.windowLimit = 2;
    state.windowSeconds = 1;
    const pauses: number[] = [];
    const bucket = createTokenBucket({ requests: 100, perSeconds: 1 });
    const rateLimiter = {
      acquire: bucket.acquire.bind(bucket),
      pauseFor: (ms: number) => (pauses.push(ms), bucket.pauseFor(ms)),
    };
    try {
      const { items } = await read({ rateLimiter });
      expect(items).toHaveLength(400);
      expect(pauses.length).toBeGreaterThan(0);
      for (const ms of pauses) expect(ms).toBeLessThanOrEqual(16 * 60_000);

      // A limiter that ignores pauses (another tool spending the same window): X answers 429, the read waits
      // until x-rate-limit-reset and goes on.
      twin.resetCounts();
      state.windows.clear();
      const deaf = { acquire: async () => 0, pauseFor: () => undefined };
      const again = await read({ rateLimiter: deaf });
      expect(again.items).toHaveLength(400);
      const limited = twin.exchanges.filter((e) => e.status === 429);
      expect(limited.length).toBeGreaterThan(0);
      for (const e of limited) expect(e.headers['x-rate-limit-reset']).toMatch(/^\d+$/);
      expect(again.ctx.stats.rateLimitWaitMs).toBeGreaterThan(0);
    } finally {
      state.windowLimit = 900;
      state.windowSeconds = 900;
    }
  });

  it('an expired access token is refreshed once; a refused refresh is auth_invalid', async () => {
    reseed({ posts: 10 });
    state.expiredTokens.add('x-expired');
    let refreshes = 0;
    const ctx = createTestContext(xConnector, { config: { baseUrl: twin.url } });
    ctx.credentials = {
      get: async () => ({ kind: 'oauth2', accessToken: 'x-expired' }),
      refresh: async () => (refreshes++, { kind: 'oauth2', accessToken: TWIN_TOKEN }),
    };
    const items = (await collectPages(xConnector, ctx)).flatMap((p) => p.items ?? []);
    expect(items).toHaveLength(10);
    expect(refreshes).toBe(1);

    const stuck = createTestContext(xConnector, {
      config: { baseUrl: twin.url },
      credentials: { kind: 'oauth2', accessToken: 'x-expired' },
    });
    await expect(collectPages(xConnector, stuck)).rejects.toMatchObject({ code: 'auth_invalid' });
  });

  it('bookmarks without bookmark.read: check names the scope; a read is permission_denied', async () => {
    reseed({ posts: 5, mentions: 5, saved: 2 });
    const check = await xConnector.check(
      createConnectorContext(xConnector, {
        config: { baseUrl: twin.url },
        features: { bookmarks: true },
        credentials: { kind: 'oauth2', accessToken: TWIN_BASE_TOKEN, scope: 'tweet.read users.read offline.access' },
      }),
    );
    expect(check).toMatchObject({ ok: false, message: expect.stringContaining('bookmark.read') });
    const ctx = createTestContext(xConnector, {
      config: { baseUrl: twin.url },
      features: { bookmarks: true },
      credentials: { kind: 'token', token: TWIN_BASE_TOKEN },
    });
    await expect(collectPages(xConnector, ctx)).rejects.toMatchObject({ code: 'permission_denied' });
    // The token never appears in what the connector logged.
    expect(JSON.stringify(ctx.logs)).not.toContain(TWIN_BASE_TOKEN);
  });
});
