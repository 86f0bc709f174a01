import type Database from 'better-sqlite3';

/**
 * Erases memories for privacy (`purge --match`): a tombstone whose content, title, people, places, metadata, tags,
 * chunks (and so the index) and earlier versions are gone. The row stays as a tombstone so a re-read upstream item is
 * recognised (it comes back through the pipeline, under the rules then in force).
 */
export function createErase(db: Database.Database, now: () => string) {
  const versions = db.prepare(`DELETE FROM memory_versions WHERE memory_id = ?`);
  const chunks = db.prepare(`DELETE FROM chunks WHERE memory_id = ?`);
  const wipe = db.prepare(`
    UPDATE memories SET content = '', content_bytes = 0, title = NULL, url = NULL, author = NULL, container = NULL, thread = NULL,
      metadata = '{}', tags = '[]', content_hash = '', fingerprint = '', importance = NULL, domain = NULL,
      deleted_at = coalesce(deleted_at, @now), updated_at = @now
    WHERE id = @id`);
  const erase = db.transaction((ids: string[]) => {
    const ts = now();
    let n = 0;
    for (const id of ids) {
      versions.run(Number(id));
      chunks.run(Number(id));
      n += wipe.run({ id: Number(id), now: ts }).changes;
    }
    return n;
  });
  return { eraseMemories: (ids: string[]): number => erase.immediate(ids) };
}
