import { SEEN_LIMIT, type RssCheckpoint } from './config.js';

/**
 * The `seen` map after a read: every entry of the current feed, plus up to {@link SEEN_LIMIT} entries remembered
 * from earlier reads (the most recently added first to stay), so an entry that drops out of the feed and comes
 * back is not yielded again unless it changed.
 */
export function nextSeen(
  previous: RssCheckpoint['seen'],
  current: ReadonlyMap<string, string>,
  limit = SEEN_LIMIT,
): RssCheckpoint['seen'] {
  const older = Object.keys(previous).filter((id) => !current.has(id));
  const kept = older.slice(Math.max(0, older.length - limit));
  const out: RssCheckpoint['seen'] = {};
  for (const id of kept) out[id] = previous[id]!;
  for (const [id, digest] of current) out[id] = digest;
  return out;
}
