import type Database from 'better-sqlite3';
import { toFtsQuery } from '../fts-query.js';
import type { SearchQuery } from '../types.js';
import type { MatchCount } from '../vector-queue.js';
import { filterSql } from './search.js';

/**
 * The sources table only when a filter reads it (owner, connector): every memory has its source (foreign key), and
 * the lookup per match was a fifth of the count's cost (issue 13, 1M Zipf items).
 */
const sourceJoin = (filterSql: string): string =>
  /\bs\./.test(filterSql) ? ' JOIN data_sources s ON s.id = m.source_id' : '';

/**
 * How many live memories match a keyword query under its filters, counted up to `cap` (then a lower bound): the
 * count stops at `cap + 1` distinct memories, so a word in every chunk of a million costs what `cap` matches cost.
 */
export function createSqliteSearchCount(db: Database.Database) {
  const statements = new Map<string, Database.Statement>();
  return (query: SearchQuery, cap: number): MatchCount => {
    const match = query.syntax === 'fts' ? query.text : toFtsQuery(query.text);
    const f = filterSql(query);
    let stmt = statements.get(f.sql);
    if (!stmt) {
      stmt = db
        .prepare(
          `SELECT count(*) FROM (
             SELECT DISTINCT c.memory_id FROM chunks_fts JOIN chunks c ON c.id = chunks_fts.rowid
             JOIN memories m ON m.id = c.memory_id${sourceJoin(f.sql)}
             WHERE chunks_fts MATCH ? AND m.deleted_at IS NULL${f.sql} LIMIT ?)`,
        )
        .pluck();
      statements.set(f.sql, stmt);
    }
    const n = stmt.get(match, ...f.params, cap + 1) as number;
    return { total: Math.min(n, cap), exact: n <= cap };
  };
}
