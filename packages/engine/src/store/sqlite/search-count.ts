import type Database from 'better-sqlite3';
import { toFtsQuery } from '../fts-query.js';
import type { SearchQuery } from '../types.js';
import type { MatchCount } from '../vector-queue.js';
import { createOwnerScope } from './owner-scope.js';
import { filterSql, sourceJoin } from './search.js';
import { overflowMemo } from './search-overflow.js';
import { HAS_SIBLINGS_SQL, INDEX_MATCHES_SQL } from './chunk-siblings.js';

/**
 * The tables a filtered count joins: the memories, and the sources only when a filter reads them (owner,
 * connector); an unfiltered count joins neither. Every memory has its source (foreign key), and an indexed chunk always belongs to a live
 * memory: tombstoning, erasing and re-versioning delete the memory's chunks, and deleting a chunk removes its index
 * row (the trigger of content-once.ts; `checkFtsIndex` finds no orphan row). Looking up each match's memory row
 * (wide: it holds the text) was half of a rare word's count (1M Zipf items, cap 1,000: 0.88 → 0.43 ms CPU).
 */
const countJoins = (filterSql: string): string => ` JOIN memories m ON m.id = c.memory_id${sourceJoin(filterSql)}`;

/**
 * How many live memories match a keyword query under its filters, counted up to `cap` (then a lower bound): the
 * count stops at `cap + 1` distinct memories, so a word in every chunk of a million costs what `cap` matches cost.
 *
 * Without filters no memory row is read (every indexed chunk belongs to a live memory, above), and a match's memory
 * is looked up only when it is listed in `chunk_siblings` (chunk-siblings.ts: the chunks of memories of more than
 * one chunk); any other match is its memory's only chunk, counted as itself. A store whose memories all have one
 * chunk (chat) counts the index's matches alone: a rare word's total at 1M Zipf items cost 0.2 / 0.5 ms of CPU
 * (p50 / p95) with a lookup in `chunks` per match, and about what FTS5's own count costs without.
 */
export function createSqliteSearchCount(db: Database.Database) {
  const statements = new Map<string, Database.Statement>();
  const memo = overflowMemo(db);
  const hasSiblings = db.prepare(HAS_SIBLINGS_SQL).pluck();
  const indexOnly = db.prepare(INDEX_MATCHES_SQL).pluck();
  // A sibling counts as its memory, any other match as itself (its negated chunk id: memory ids are positive).
  const withSiblings = db
    .prepare(
      `SELECT count(*) FROM (
         SELECT DISTINCT coalesce(s.memory_id, -chunks_fts.rowid) FROM chunks_fts
           LEFT JOIN chunk_siblings s ON s.id = chunks_fts.rowid
         WHERE chunks_fts MATCH ? LIMIT CAST(? AS INTEGER))`,
    )
    .pluck();
  const unfiltered = (match: string, limit: number): number =>
    (hasSiblings.get() ? withSiblings : indexOnly).get(match, limit) as number;
  const countIn = (query: SearchQuery, cap: number): MatchCount => {
    const match = query.syntax === 'fts' ? query.text : toFtsQuery(query.text);
    const f = filterSql(query);
    let n: number;
    if (!f.sql) {
      // The search just saw more than `cap` memories match, and nothing changed since: no second walk.
      const over = memo.recall(match);
      if (over !== undefined && over >= cap) return { total: cap, exact: false };
      // Inside the count's read transaction (below): the sibling test and the count see the same snapshot.
      n = unfiltered(match, cap + 1);
    } else {
      let stmt = statements.get(f.sql);
      if (!stmt) {
        stmt = db
          .prepare(
            `SELECT count(*) FROM (
               SELECT DISTINCT c.memory_id FROM chunks_fts JOIN chunks c ON c.id = chunks_fts.rowid${countJoins(f.sql)}
               WHERE chunks_fts MATCH ? AND m.deleted_at IS NULL${f.sql} LIMIT CAST(? AS INTEGER))`,
          )
          .pluck();
        statements.set(f.sql, stmt);
      }
      n = stmt.get(match, ...f.params, cap + 1) as number;
    }
    return { total: Math.min(n, cap), exact: n <= cap };
  };
  const scope = createOwnerScope(db);
  // One read transaction: the owner test and the count see the same snapshot (owner-scope.ts).
  const inSnapshot = db.transaction((query: SearchQuery, cap: number): MatchCount => countIn(scope(query), cap));
  return (query: SearchQuery, cap: number): MatchCount => inSnapshot(query, cap);
}
