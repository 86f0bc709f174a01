import type Database from 'better-sqlite3';

/**
 * What the direct path of a search (search-direct.ts) learnt when it gave up on a query: more than `over` matching
 * chunks, in a store of one chunk per memory, so more than `over` matching memories. The engine's count of the same
 * unfiltered query right after needs no second walk of the index (for two words of ranks 5–80 at 1M Zipf items, up
 * to a thousand matches of a doclist intersection: ~0.5 ms) while nothing was written in between: the database's
 * change counters (`data_version` for other connections' commits, `total_changes()` for this one's) are part of
 * the key. Unfiltered only: a filtered count never reads it.
 */
export interface OverflowMemo {
  remember(match: string, over: number): void;
  /** More than `over` matching memories were seen for `match` with the data unchanged since; else undefined. */
  recall(match: string): number | undefined;
}

const memos = new WeakMap<Database.Database, OverflowMemo>();

export function overflowMemo(db: Database.Database): OverflowMemo {
  let memo = memos.get(db);
  if (!memo) {
    const version = db
      .prepare(`SELECT (SELECT data_version FROM pragma_data_version) || '.' || total_changes()`)
      .pluck();
    let last: { match: string; over: number; at: string } | undefined;
    memo = {
      remember: (match, over) => {
        last = { match, over, at: version.get() as string };
      },
      recall: (match) => (last && last.match === match && last.at === version.get() ? last.over : undefined),
    };
    memos.set(db, memo);
  }
  return memo;
}
