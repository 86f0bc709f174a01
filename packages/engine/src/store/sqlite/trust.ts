import type Database from 'better-sqlite3';
import type { UserRecord } from '../types.js';
import { toUser } from '../rows.js';

/** Migration: a user's allowed roots (JSON array of folders; NULL: none). */
export const USER_ROOTS_MIGRATION = `ALTER TABLE users ADD COLUMN allowed_roots TEXT;`;

/** Allowed roots of users and the usage figures budgets are checked against (see engine/budget.ts). */
export function createTrust(db: Database.Database) {
  // The text's UTF-8 size (content_bytes, since migration 9 the content may be compressed); octet_length of a row
  // written before reads the size from the record header: no content is loaded.
  const bySource = db.prepare(
    `SELECT count(*) AS items, coalesce(sum(coalesce(content_bytes, octet_length(content)) + coalesce(octet_length(title), 0)), 0) AS bytes
       FROM memories WHERE source_id = ? AND deleted_at IS NULL`,
  );
  const byOwner = db.prepare(
    `SELECT count(*) AS items, coalesce(sum(coalesce(m.content_bytes, octet_length(m.content)) + coalesce(octet_length(m.title), 0)), 0) AS bytes
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
