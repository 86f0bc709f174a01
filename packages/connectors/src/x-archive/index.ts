import { defineConnector, type Item, type Page } from '@tributary/sdk';
import { loadArchive } from './client.js';
import { type XArchiveCheckpoint } from './config.js';
import { compareIds, initialIdOf, parseTweetDate, threadRoots, toTweetItem } from './map.js';
import { xArchiveManifest } from './manifest.js';

/** Tweets per page (a page closes early rather than hold two versions of one memory). */
const PAGE_ITEMS = 200;

/**
 * X (Twitter) data archive: the account's tweets with links expanded, mentions named, reply chains as threads and
 * edits folded into one memory per tweet (externalId = the initial tweet id; versions are yielded oldest first,
 * so the latest edit's text wins).
 */
export const xArchiveConnector = defineConnector({
  manifest: xArchiveManifest,

  async check(ctx) {
    try {
      const loaded = await loadArchive(ctx.config.path);
      const who = loaded.account.userName ? ` of @${loaded.account.userName}` : '';
      return { ok: true, message: `X archive${who} with ${loaded.tweets.length} tweets` };
    } catch (err) {
      return { ok: false, message: err instanceof Error ? err.message : String(err) };
    }
  },

  async *read(ctx) {
    const loaded = await loadArchive(ctx.config.path);
    const tweets = [...loaded.tweets].sort((a, b) => compareIds(a.id_str, b.id_str));
    const roots = threadRoots(tweets);
    const firstCreated = new Map<string, string>();
    for (const t of tweets) {
      const initial = initialIdOf(t);
      const at = parseTweetDate(t.created_at);
      if (at && !firstCreated.has(initial)) firstCreated.set(initial, at);
    }
    const after = ctx.checkpoint?.lastId;
    const sinceIso = ctx.since?.toISOString();
    let items: Item[] = [];
    let ids = new Set<string>();
    let errors: NonNullable<Page['errors']> = after === undefined ? loaded.errors : [];
    let lastId: string | undefined;
    let done = 0;
    const flush = (): Page<XArchiveCheckpoint> => {
      const page: Page<XArchiveCheckpoint> = { items, checkpoint: { lastId: lastId! } };
      if (errors.length) page.errors = errors;
      done += items.length;
      ctx.progress({ phase: 'tweets', done, total: tweets.length });
      items = [];
      ids = new Set();
      errors = [];
      return page;
    };
    for (const tweet of tweets) {
      if (ctx.signal.aborted) return;
      if (after !== undefined && compareIds(tweet.id_str, after) <= 0) continue;
      const item = toTweetItem(tweet, {
        account: loaded.account,
        thread: roots.get(tweet.id_str),
        firstCreatedAt: firstCreated.get(initialIdOf(tweet)),
      });
      const skip =
        (!ctx.config.includeRetweets && item.metadata?.retweet === true) ||
        (sinceIso !== undefined && (item.occurredAt ?? '') < sinceIso);
      // Two versions of one tweet never share a page: the later edit goes to the next page, so it is applied last.
      if (!skip && ids.has(item.externalId)) yield flush();
      lastId = tweet.id_str;
      if (!skip) {
        items.push(item);
        ids.add(item.externalId);
      }
      if (items.length >= PAGE_ITEMS) yield flush();
    }
    if (lastId !== undefined && (items.length || errors.length || lastId !== after)) yield flush();
  },
});

export default xArchiveConnector;
