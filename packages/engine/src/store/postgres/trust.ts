import type pg from 'pg';
import type { UserRecord } from '../types.js';
import { toUser } from '../rows.js';

/** Migration: a user's allowed roots (JSON array of folders; NULL: none). */
export const USER_ROOTS_MIGRATION_PG = `ALTER TABLE users ADD COLUMN allowed_roots JSONB;`;

/** Allowed roots of users and the usage figures budgets are checked against (see engine/budget.ts). */
export function createPgTrust(pool: pg.Pool) {
  // octet_length of a TOASTed value reads its stored size, not the value.
  const sum = `count(*)::bigint AS items, coalesce(sum(octet_length(m.content) + coalesce(octet_length(m.title), 0)), 0)::bigint AS bytes`;
  return {
    async setUserAllowedRoots(id: string, roots: string[]): Promise<UserRecord | null> {
      const res = await pool.query('UPDATE users SET allowed_roots = $1::jsonb WHERE id = $2 RETURNING *', [
        JSON.stringify(roots),
        id,
      ]);
      return res.rows[0] ? toUser(res.rows[0]) : null;
    },
    async usage(filter: { sourceId: string } | { ownerId: string }): Promise<{ items: number; bytes: number }> {
      const res =
        'sourceId' in filter
          ? await pool.query(`SELECT ${sum} FROM memories m WHERE m.source_id = $1 AND m.deleted_at IS NULL`, [
              filter.sourceId,
            ])
          : await pool.query(
              `SELECT ${sum} FROM memories m JOIN data_sources s ON s.id = m.source_id WHERE s.owner_id = $1 AND m.deleted_at IS NULL`,
              [filter.ownerId],
            );
      return { items: Number(res.rows[0].items), bytes: Number(res.rows[0].bytes) };
    },
  };
}
