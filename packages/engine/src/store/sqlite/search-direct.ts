import type Database from 'better-sqlite3';
import { boostFactor, BOOST_SQL } from '../ranking.js';
import { HAS_SIBLINGS_SQL, INDEX_MATCHES_SQL } from './chunk-siblings.js';
import { overflowMemo } from './search-overflow.js';

/**
 * The answer of an unfiltered keyword query in a store whose memories have one chunk each (no `chunk_siblings` row:
 * chat, short notes), when the query has at most `upTo` matches (and at most its match cap, search.ts): one read
 * transaction of two statements, the index's match count and the page itself, instead of the candidates, the
 * page's rows and the engine's count. Every match is then ranked, as the fast path of search.ts ranks it:
 * the best `budget` chunks by bm25 (ties by chunk id), each its own memory, × the importance boost, by score then
 * memory id. The count is the exact total (one memory per indexed chunk, each live: search-count.ts).
 * Rare words at 1M Zipf items cost about the candidates statement alone this way; the three statements, the
 * candidates' memory ids, the page's rows by a second lookup and a second count took 0.3 ms of CPU more than raw
 * bm25 on the smallest of them.
 *
 * Of those candidates only the ones the boost could lift into the page are looked up (their memory, chunk and
 * source rows were most of the statement's cost beyond bm25): with boost factors between those of the store's
 * lowest and highest importance (importance-bounds.ts), a chunk whose bm25 × the highest factor is still worse than
 * the page's last chunk by bm25 × the lowest factor has at least a page of memories ahead of it whatever the boosts.
 * The page is the same; a store whose importances all lie close (1M Zipf items: 0.148–0.161) looks up ~12 of 30.
 *
 * `undefined`: not this case (a sibling exists, or more matches than `upTo`); the caller takes its general path.
 */
export type DirectSearch = (
  match: string,
  upTo: number,
  budget: number,
  limit: number,
  offset: number,
) => { rows: any[]; total: number } | undefined;

export function createDirectSearch(db: Database.Database, hitColumns: string): DirectSearch {
  const memo = overflowMemo(db);
  const hasSiblings = db.prepare(HAS_SIBLINGS_SQL).pluck();
  const count = db.prepare(INDEX_MATCHES_SQL).pluck();
  const bounds = db.prepare(`SELECT lo, hi FROM importance_bounds`);
  // bm25 is negative, better when lower: a candidate stays when score × (highest / lowest factor) ≤ the page's last
  // score (0 when fewer candidates than the page: every one stays).
  const page = db.prepare(
    `WITH t AS MATERIALIZED (
       SELECT rowid AS chunk_id, bm25(chunks_fts, 2.0, 1.0) AS score FROM chunks_fts WHERE chunks_fts MATCH ?
       ORDER BY score, rowid LIMIT ?)
     SELECT ${hitColumns}, s.name AS source_name, s.source_type AS connector, c.id AS chunk_id, c.id AS span_chunk,
       c.at AS span_at, c.len AS span_len, c.own_text AS span_own, t.score * ${BOOST_SQL} AS score
     FROM t JOIN chunks c ON c.id = t.chunk_id JOIN memories m ON m.id = c.memory_id JOIN data_sources s ON s.id = m.source_id
     WHERE t.score * ? <= coalesce((SELECT score FROM t ORDER BY score, chunk_id LIMIT 1 OFFSET ?), 0)
       AND m.deleted_at IS NULL
     ORDER BY t.score * ${BOOST_SQL}, m.id LIMIT ? OFFSET ?`,
  );
  /** Highest over lowest boost factor, a hair wider (a rounding error may keep a candidate, never drop one). */
  const spread = (): number => {
    const b = bounds.get() as { lo: number; hi: number } | undefined;
    const lo = boostFactor(b?.lo ?? 0);
    const hi = boostFactor(b?.hi ?? 0);
    return b && lo > 0 && hi >= lo ? (hi / lo) * (1 + 1e-9) : Number.POSITIVE_INFINITY;
  };
  // No transaction of its own: search.ts runs it inside the search's read transaction.
  return (match, upTo, budget, limit, offset) => {
    if (hasSiblings.get()) return undefined;
    const total = count.get(match, upTo + 1) as number;
    if (total > upTo) {
      memo.remember(match, upTo); // the engine's count of this query can say "more than upTo" without a walk
      return undefined;
    }
    if (total <= offset) return { rows: [], total };
    const ratio = spread();
    // Infinity × a score of 0 is NaN: no pruning then, by a factor that keeps every candidate.
    const rows = page.all(match, budget, Number.isFinite(ratio) ? ratio : 1e300, offset + limit - 1, limit, offset);
    // Short of the page (a candidate invisible after all): the general path decides.
    return rows.length === Math.min(limit, total - offset) ? { rows: rows as any[], total } : undefined;
  };
}
