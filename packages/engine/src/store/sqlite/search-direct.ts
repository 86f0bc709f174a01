import type Database from 'better-sqlite3';
import { BOOST_SQL } from '../ranking.js';

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
  const hasSiblings = db.prepare(`SELECT EXISTS (SELECT 1 FROM chunk_siblings)`).pluck();
  const count = db.prepare(`SELECT count(*) FROM (SELECT 1 FROM chunks_fts WHERE chunks_fts MATCH ? LIMIT ?)`).pluck();
  const page = db.prepare(
    `SELECT ${hitColumns}, s.name AS source_name, s.source_type AS connector, c.id AS chunk_id, c.id AS span_chunk,
       c.at AS span_at, c.len AS span_len, c.own_text AS span_own, t.score * ${BOOST_SQL} AS score
     FROM (SELECT rowid AS chunk_id, bm25(chunks_fts, 2.0, 1.0) AS score FROM chunks_fts WHERE chunks_fts MATCH ?
           ORDER BY score, rowid LIMIT ?) t
       JOIN chunks c ON c.id = t.chunk_id JOIN memories m ON m.id = c.memory_id JOIN data_sources s ON s.id = m.source_id
     WHERE m.deleted_at IS NULL
     ORDER BY t.score * ${BOOST_SQL}, m.id LIMIT ? OFFSET ?`,
  );
  return db.transaction(
    (
      match: string,
      upTo: number,
      budget: number,
      limit: number,
      offset: number,
    ): { rows: any[]; total: number } | undefined => {
      if (hasSiblings.get()) return undefined;
      const total = count.get(match, upTo + 1) as number;
      if (total > upTo) return undefined;
      return { rows: total > offset ? (page.all(match, budget, limit, offset) as any[]) : [], total };
    },
  );
}
