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
    const { rows } = await pool.query(
      `SELECT count(*)::int AS n FROM (
         SELECT DISTINCT c.memory_id FROM chunks c JOIN memories m ON m.id = c.memory_id
         JOIN data_sources s ON s.id = m.source_id
         WHERE c.tsv @@ to_tsquery('simple', $1) AND m.deleted_at IS NULL${where} LIMIT $${params.push(cap + 1)}) x`,
      params,
    );
    const n = Number(rows[0].n);
    return { total: Math.min(n, cap), exact: n <= cap };
  };
}
