import { TributaryError, type Item, type Page, type ReadContext } from '@tributary/sdk';
import { PostCap } from './cap.js';
import type { XCheckpoint, XStreamCursor } from './checkpoint.js';
import { POST_QUERY, tokenOf, XClient, type XListResponse, type XUser } from './client.js';
import { monthlyCap, type XConfig } from './config.js';
import { externalIdOf, initialIdOfPost, isLatestVersion, toPostItem, type XStream } from './map.js';

/** Connector state: `v:<externalId>` → the id of the version last yielded (an older version is never yielded after). */
export const VERSION_PREFIX = 'v:';

const PATHS: Record<XStream, string> = {
  tweets: 'tweets',
  mentions: 'mentions',
  bookmarks: 'bookmarks',
  likes: 'liked_tweets',
};
/** Timelines X pages by id (since_id/until_id); bookmarks and likes come newest-saved first, with page tokens only. */
const BY_ID: ReadonlySet<XStream> = new Set(['tweets', 'mentions']);

const bigger = (a: string | undefined, b: string | undefined): string | undefined =>
  a === undefined ? b : b === undefined ? a : BigInt(a) >= BigInt(b) ? a : b;
const smaller = (a: string | undefined, b: string | undefined): string | undefined =>
  a === undefined ? b : b === undefined ? a : BigInt(a) <= BigInt(b) ? a : b;

/** The streams this source reads: its own posts always, the others by feature. */
export function streamsOf(features: Record<string, boolean>): XStream[] {
  return ['tweets', ...(['mentions', 'bookmarks', 'likes'] as const).filter((s) => features[s])];
}

/**
 * Each stream is walked newest first. Posts and mentions are bounded below by `since_id` (the newest id of the last
 * complete walk) and resumed with `until_id`; bookmarks and likes have neither, so a walk stops at the newest post
 * of the last complete walk. Every page commits the cursor and the month's post count; at the monthly cap the read
 * yields one last page carrying a message and the cursor, and the next sync after the reset continues from it.
 */
export async function* readX(ctx: ReadContext<XConfig, XCheckpoint>): AsyncGenerator<Page<XCheckpoint>> {
  const { config } = ctx;
  const cp: XCheckpoint = ctx.checkpoint ?? { v: 1, postsRead: 0 };
  const cap = new PostCap(ctx.clock.now(), config.capResetDay, monthlyCap(config), cp);
  const cursors: Partial<Record<XStream, XStreamCursor>> = {
    tweets: cp.tweets,
    mentions: cp.mentions,
    bookmarks: cp.bookmarks,
    likes: cp.likes,
  };
  let userId = config.userId ?? cp.userId;
  const checkpoint = (): XCheckpoint => {
    const out: XCheckpoint = { v: 1, period: cap.period, postsRead: cap.used };
    if (userId) out.userId = userId;
    for (const s of ['tweets', 'mentions', 'bookmarks', 'likes'] as const) if (cursors[s]) out[s] = cursors[s];
    return out;
  };
  const stop = (): Page<XCheckpoint> => {
    const message = cap.message();
    ctx.logger.warn(message);
    ctx.progress({ phase: 'cap', message });
    return { checkpoint: checkpoint(), errors: [{ message }] };
  };
  ctx.metrics?.set('posts_read_month', cap.used);
  if (cap.allowance(config.pageSize) === 0) {
    yield stop();
    return;
  }
  const client = new XClient(ctx, tokenOf(await ctx.credentials.get()));
  userId ??= (await client.user(undefined)).id;
  let done = 0;

  for (const stream of streamsOf(ctx.features)) {
    const cur: XStreamCursor = { ...cursors[stream] };
    const byId = BY_ID.has(stream);
    // A walk in progress keeps its lower bound; a new one starts from the newest id of the last complete walk.
    const walking = cur.untilId !== undefined || cur.token !== undefined;
    const walkSince = walking ? cur.walkSince : cur.sinceId;
    let walkNewest = walking ? cur.walkNewest : undefined;
    let untilId = cur.untilId;
    let token = byId ? undefined : cur.token;
    const firstSync = cur.sinceId === undefined && !walking;
    for (;;) {
      ctx.signal.throwIfAborted();
      const max = cap.allowance(config.pageSize);
      if (max === 0) {
        yield stop();
        return;
      }
      const query: Record<string, string | number | undefined> = { ...POST_QUERY, max_results: max };
      if (token) query.pagination_token = token;
      if (byId) {
        if (walkSince) query.since_id = walkSince;
        if (untilId && !token) query.until_id = untilId;
        if (firstSync && config.backfillDays)
          query.start_time = new Date(ctx.clock.now() - config.backfillDays * 86_400_000).toISOString();
      }
      let res: XListResponse;
      try {
        res = await client.get<XListResponse>(`users/${userId}/${PATHS[stream]}`, query);
      } catch (err) {
        // A page token X no longer accepts (bookmarks and likes keep one across syncs): walk again from the top.
        if (token && err instanceof TributaryError && err.code === 'invalid_config') {
          token = undefined;
          walkNewest = undefined;
          continue;
        }
        throw err;
      }
      const posts = res.data ?? [];
      cap.used += posts.length + (res.includes?.posts?.length ?? 0);
      ctx.metrics?.set('posts_read_month', cap.used);
      const users = new Map<string, XUser>((res.includes?.users ?? []).map((u) => [u.id, u]));
      let reachedKnown = false;
      const fresh = [];
      for (const post of posts) {
        if (!byId && post.id === walkSince) {
          reachedKnown = true;
          break;
        }
        fresh.push(post);
      }
      if (posts.length && !walkNewest)
        walkNewest = byId ? posts.reduce<string | undefined>((m, p) => bigger(m, p.id), undefined) : posts[0]!.id;
      const items: Item[] = [];
      const set: Record<string, string> = {};
      const current = fresh.filter(isLatestVersion);
      const seen = await ctx.state.getMany(
        current.map((p) => VERSION_PREFIX + externalIdOf(stream, initialIdOfPost(p))),
      );
      for (const post of current) {
        const externalId = externalIdOf(stream, initialIdOfPost(post));
        const key = VERSION_PREFIX + externalId;
        const had = (set[key] ?? seen.get(key)) as string | undefined;
        if (had !== undefined && BigInt(had) >= BigInt(post.id)) continue;
        items.push(toPostItem(stream, post, users));
        set[key] = post.id;
      }
      // Two versions never share a page (a page keeps one item per id): only the newest of the page was kept.
      const unique = new Map(items.map((i) => [i.externalId, i]));
      const next = reachedKnown ? undefined : res.meta?.next_token;
      if (next && posts.length) {
        if (byId) untilId = posts.reduce<string | undefined>((m, p) => smaller(m, p.id), untilId);
        token = next;
        cursors[stream] = {
          ...(cur.sinceId ? { sinceId: cur.sinceId } : {}),
          ...(walkSince ? { walkSince } : {}),
          ...(walkNewest ? { walkNewest } : {}),
          ...(byId ? { untilId: untilId! } : { token: next }),
        };
      } else {
        const sinceId = byId ? bigger(cur.sinceId, walkNewest) : (walkNewest ?? cur.sinceId);
        cursors[stream] = sinceId ? { sinceId } : {};
      }
      done += unique.size;
      ctx.progress({ phase: stream, done, message: `${cap.used} of ${cap.cap} posts read this period` });
      yield {
        items: [...unique.values()],
        checkpoint: checkpoint(),
        ...(Object.keys(set).length ? { state: { set } } : {}),
      };
      if (!next || !posts.length) break;
    }
  }
}
