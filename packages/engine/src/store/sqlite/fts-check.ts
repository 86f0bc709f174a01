import type Database from 'better-sqlite3';

/**
 * Throws unless the full-text index is sound and holds exactly one row per chunk: no chunk missing (a merge or a
 * live insert lost), no row left behind by a deleted chunk. The contentless index (content-once.ts) cannot compare
 * itself with its text as FTS5's rank-1 integrity check did for the external-content one, so this compares row ids;
 * the tokens of each row are written by the same code as at ingest (chunk-text.ts). For tests and `doctor`-style checks:
 * it reads every row id.
 */
export function checkFtsIndex(db: Database.Database): void {
  db.prepare(`INSERT INTO chunks_fts (chunks_fts, rank) VALUES ('integrity-check', 1)`).run();
  const missing = db
    .prepare(`SELECT count(*) FROM chunks WHERE id NOT IN (SELECT rowid FROM chunks_fts)`)
    .pluck()
    .get() as number;
  const orphans = db
    .prepare(`SELECT count(*) FROM chunks_fts WHERE rowid NOT IN (SELECT id FROM chunks)`)
    .pluck()
    .get() as number;
  if (missing || orphans)
    throw new Error(`full-text index out of step with chunks: ${missing} chunks not indexed, ${orphans} orphan rows`);
}
