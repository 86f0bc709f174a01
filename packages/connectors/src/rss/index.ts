import { defineConnector, TributaryError, type HttpClient, type Item, type Page } from '@tributary/sdk';
import { ENTRY_PREFIX, entriesToForget, entryKey, toEntryRecord, type EntryRecord } from './checkpoint.js';
import { fetchFeed, readFeedFile } from './client.js';
import { feedUrl, type RssCheckpoint, type RssConfig } from './config.js';
import { entryDigest, toFeedItem } from './map.js';
import { parseFeed, type ParsedFeed } from './parse.js';
import { rssManifest } from './manifest.js';

/** Items per page; a feed rarely holds more than a page or two. */
const PAGE_ITEMS = 50;

type Loaded = { notModified: true } | { notModified: false; feed: ParsedFeed; etag?: string; lastModified?: string };

async function load(
  ctx: { config: RssConfig; http: HttpClient },
  checkpoint: RssCheckpoint | undefined,
): Promise<Loaded> {
  const url = feedUrl(ctx.config);
  let bytes: Uint8Array;
  let contentType: string | undefined;
  const validators: { etag?: string; lastModified?: string } = {};
  if (url) {
    const res = await fetchFeed(ctx.http, url, { etag: checkpoint?.etag, lastModified: checkpoint?.lastModified });
    if (res.notModified) return { notModified: true };
    bytes = res.bytes;
    contentType = res.contentType;
    if (res.etag) validators.etag = res.etag;
    if (res.lastModified) validators.lastModified = res.lastModified;
  } else {
    bytes = await readFeedFile(ctx.config.path!);
  }
  try {
    return { notModified: false, feed: await parseFeed(bytes, contentType), ...validators };
  } catch (err) {
    const where = url ? url.split('?')[0] : ctx.config.path;
    throw new TributaryError(
      url ? 'upstream_error' : 'record_invalid',
      `${where} is not a readable RSS, Atom or JSON feed: ${(err as Error).message}`,
      { cause: err },
    );
  }
}

/**
 * RSS 0.9x/1.0/2.0, Atom and JSON Feed, from a url (with presets for Substack, Medium and YouTube) or a file.
 * Feeds list their current entries on every fetch; connector state remembers a digest per entry so a read yields only
 * new or changed entries, and the checkpoint the HTTP validators so an unchanged feed costs one `304`.
 */
export const rssConnector = defineConnector({
  manifest: rssManifest,

  async check(ctx) {
    try {
      const loaded = await load(ctx, undefined);
      if (loaded.notModified) return { ok: true, message: 'Feed reachable (not modified)' };
      const { feed } = loaded;
      return {
        ok: true,
        message: `${feed.format.toUpperCase()} feed${feed.title ? ` "${feed.title}"` : ''} with ${feed.entries.length} entries`,
      };
    } catch (err) {
      return { ok: false, message: err instanceof Error ? err.message : String(err) };
    }
  },

  async *read(ctx) {
    if (ctx.signal.aborted) return;
    const previous = ctx.checkpoint;
    const loaded = await load(ctx, previous);
    if (loaded.notModified) {
      // 304: nothing changed upstream; the same checkpoint stands.
      yield { items: [], checkpoint: previous ?? { v: 2 as const } };
      return;
    }
    const { feed } = loaded;
    const url = feedUrl(ctx.config);
    const now = ctx.clock.now();
    const current = new Map<string, string>();
    const feedItems: Item[] = [];
    for (const entry of feed.entries) {
      const item = toFeedItem(entry, feed, url);
      if (current.has(item.externalId)) continue; // the same guid twice in one feed: the first (newest) wins
      current.set(item.externalId, entryDigest(item));
      feedItems.push(item);
    }
    // A run without a checkpoint sees an empty state (the engine's rule): skip the lookup.
    const stored = previous ? await ctx.state.getMany([...current.keys()].map(entryKey)) : new Map<string, unknown>();
    const seen = (id: string): string | undefined => toEntryRecord(stored.get(entryKey(id)))?.d;
    const changed = feedItems.filter((item) => seen(item.externalId) !== current.get(item.externalId));
    if (ctx.since) {
      const since = ctx.since.toISOString();
      for (let i = changed.length - 1; i >= 0; i--) if ((changed[i]!.occurredAt ?? since) < since) changed.splice(i, 1);
    }
    // Intermediate pages keep the old validators: if the run dies before the last page, the next fetch must not 304.
    const validators = (
      v: { etag?: string | undefined; lastModified?: string | undefined } | undefined,
    ): RssCheckpoint => ({
      v: 2,
      ...(v?.etag ? { etag: v.etag } : {}),
      ...(v?.lastModified ? { lastModified: v.lastModified } : {}),
    });
    const record = (id: string): EntryRecord => ({ d: current.get(id)!, t: now });
    const errors: NonNullable<Page['errors']> = feed.warning ? [{ message: feed.warning }] : [];
    for (let start = 0; start + PAGE_ITEMS < changed.length; start += PAGE_ITEMS) {
      if (ctx.signal.aborted) return;
      const items = changed.slice(start, start + PAGE_ITEMS);
      const set = Object.fromEntries(items.map((i) => [entryKey(i.externalId), record(i.externalId)]));
      yield { items, state: { set }, checkpoint: validators(previous) };
    }
    const last = changed.slice(Math.floor(Math.max(0, changed.length - 1) / PAGE_ITEMS) * PAGE_ITEMS);
    ctx.progress({ phase: 'entries', done: changed.length, total: changed.length });
    // The last page marks every entry of the current feed as seen now (also those `since` left out), and forgets
    // the oldest entries beyond SEEN_LIMIT that left the feed.
    const remembered: Array<[string, number]> = [];
    if (previous)
      for await (const [k, v] of ctx.state.list(ENTRY_PREFIX)) remembered.push([k, toEntryRecord(v)?.t ?? 0]);
    const page: Page<RssCheckpoint> = {
      items: last,
      state: {
        set: Object.fromEntries([...current.keys()].map((id) => [entryKey(id), record(id)])),
        delete: entriesToForget(remembered, new Set([...current.keys()].map(entryKey))),
      },
      checkpoint: validators(loaded),
    };
    if (errors.length) page.errors = errors;
    yield page;
  },
});

export default rssConnector;
