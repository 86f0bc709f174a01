import type Database from 'better-sqlite3';
import type { UserRecord } from '../types.js';
import { toUser } from '../rows.js';

/** Migration: a user's allowed roots (JSON array of folders; NULL: none). */
export const USER_ROOTS_MIGRATION = `ALTER TABLE users ADD COLUMN allowed_roots TEXT;`;

/**
 * A memory's size as budgets count it: its text's UTF-8 size (content_bytes; since migration 9 the content may be
 * compressed) + its title's. octet_length of a row written before migration 9 reads the size from the record header.
 * The index of migration 10 holds this value for every live memory, so the usage sums below read only the index:
 * 20k mails of one source + 15k of its owner's other sources in 16 ms CPU instead of 0.55 s and 67 MB of pages
 * (each read the whole row before). Queries must spell the expression exactly as the index does to use it.
 */
const usageBytes = (m: string): string =>
  `coalesce(${m}content_bytes, octet_length(${m}content)) + coalesce(octet_length(${m}title), 0)`;

/** Migration 10: the usage index (live memories only: a tombstone leaves it, so the sums skip no table rows). */
export const USAGE_INDEX_MIGRATION = `CREATE INDEX memories_usage ON memories (source_id, (${usageBytes('')})) WHERE deleted_at IS NULL;`;

/** Allowed roots of users and the usage figures budgets are checked against (see engine/budget.ts). */
export function createTrust(db: Database.Database) {
  const bySource = db.prepare(
    `SELECT count(*) AS items, coalesce(sum(${usageBytes('')}), 0) AS bytes
       FROM memories WHERE source_id = ? AND deleted_at IS NULL`,
  );
  const byOwner = db.prepare(
    `SELECT count(*) AS items, coalesce(sum(${usageBytes('m.')}), 0) AS bytes
       FROM memories m JOIN data_sources s ON s.id = m.source_id WHERE s.owner_id = ? AND m.deleted_at IS NULL`,
  );
  return {
    setUserAllowedRoots(id: string, roots: string[]): UserRecord | null {
      const changed = db.prepare('UPDATE users SET allowed_roots = ? WHERE id = ?').run(JSON.stringify(roots), id);
      if (changed.changes === 0) return null;
      return toUser(db.prepare('SELECT * FROM users WHERE id = ?').get(id));
    },
    usage(filter: { sourceId: string } | { ownerId: string }): { items: number; bytes: number } {
      const row = ('sourceId' in filter ? bySource.get(filter.sourceId) : byOwner.get(filter.ownerId)) as {
        items: number;
        bytes: number;
      };
      return { items: Number(row.items), bytes: Number(row.bytes) };
    },
  };
}
