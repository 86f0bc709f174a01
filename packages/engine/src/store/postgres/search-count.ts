import type pg from 'pg';
import { toTsQuery } from '../fts-query.js';
import type { SearchQuery } from '../types.js';
import type { MatchCount } from '../vector-queue.js';
import { filterSql } from './search.js';

/** Live memories matching a keyword query under its filters, counted up to `cap` (then a lower bound). */
export function createPgSearchCount(pool: pg.Pool) {
  return async (query: SearchQuery, cap: number): Promise<MatchCount> => {
    const params: unknown[] = [query.syntax === 'fts' ? query.text : toTsQuery(query.text)];
    const where = filterSql(query, params);
    // Memories with a matching chunk (EXISTS, not DISTINCT over chunks): the scan can stop at cap + 1, so a word
    // found in most chunks is counted from the first rows instead of collecting all its matches first.
    const { rows } = await pool.query(
      `SELECT count(*)::int AS n FROM (
         SELECT 1 FROM memories m JOIN data_sources s ON s.id = m.source_id
         WHERE m.deleted_at IS NULL${where}
           AND EXISTS (SELECT 1 FROM chunks c WHERE c.memory_id = m.id AND c.tsv @@ to_tsquery('simple', $1))
         LIMIT $${params.push(cap + 1)}) x`,
      params,
    );
    const n = Number(rows[0].n);
    return { total: Math.min(n, cap), exact: n <= cap };
  };
}
