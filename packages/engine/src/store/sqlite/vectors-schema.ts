import type Database from 'better-sqlite3';

/**
 * Migration: chunk content hashes, the embedding backlog and the sqlite-vec index's bookkeeping (see
 * vectors.ts and ../vector-queue.ts). The per-model `vec0` tables are made by `ensureModel`, once the extension
 * is loaded, so the migration runs on a plain SQLite too.
 *
 * The backlog is filled by triggers on `chunks`, so every path that adds or removes chunks (a page, a tombstone, a
 * privacy erase, a deleted source's cascade) queues the hash in its own transaction. Recording is off until an
 * embedding model is ensured (`embedding_settings`): a keyword-only deployment pays nothing. The backlog is an
 * append-only rowid table (no index besides the rowid: the cheapest insert SQLite has, measured in the bench), so a
 * hash may be queued more than once; the drain handles a hash once per batch, and a hash queued again while its
 * batch is in flight has a newer row that outlives `done()` of that batch.
 */
export const VECTORS_MIGRATION = `
ALTER TABLE chunks ADD COLUMN content_hash TEXT;
CREATE INDEX chunks_content_hash ON chunks (content_hash) WHERE content_hash IS NOT NULL;

CREATE TABLE embedding_settings (id INTEGER PRIMARY KEY CHECK (id = 1), enabled INTEGER NOT NULL);
CREATE TABLE embedding_backlog (seq INTEGER PRIMARY KEY, hash TEXT NOT NULL);
CREATE TRIGGER chunks_embed_ai AFTER INSERT ON chunks
  WHEN new.content_hash IS NOT NULL AND EXISTS (SELECT 1 FROM embedding_settings WHERE enabled = 1)
BEGIN
  INSERT INTO embedding_backlog (hash) VALUES (new.content_hash);
END;
CREATE TRIGGER chunks_embed_ad AFTER DELETE ON chunks
  WHEN old.content_hash IS NOT NULL AND EXISTS (SELECT 1 FROM embedding_settings WHERE enabled = 1)
BEGIN
  INSERT INTO embedding_backlog (hash) VALUES (old.content_hash);
END;

CREATE TABLE vector_models (
  id TEXT PRIMARY KEY,
  dimensions INTEGER NOT NULL,
  tbl INTEGER NOT NULL UNIQUE,
  created_at TEXT NOT NULL
);
CREATE TABLE vector_points (
  id INTEGER PRIMARY KEY,
  model TEXT NOT NULL REFERENCES vector_models(id) ON DELETE CASCADE,
  hash TEXT NOT NULL,
  UNIQUE (model, hash)
);
CREATE TABLE vector_scopes (
  point_id INTEGER NOT NULL REFERENCES vector_points(id) ON DELETE CASCADE,
  owner_id TEXT NOT NULL,
  source_id TEXT NOT NULL,
  PRIMARY KEY (point_id, source_id)
) WITHOUT ROWID;
CREATE INDEX vector_scopes_owner ON vector_scopes (owner_id, point_id);
CREATE INDEX vector_scopes_source ON vector_scopes (source_id, point_id);
`;

/**
 * Migration 8: the index on chunk hashes exists only while embeddings are on. Only the embedding side looks chunks up
 * by hash, and keeping a B-tree of random 64-hex keys in step cost a keyword-only first backfill 10–35% of its CPU,
 * more as the store outgrows the page cache (docs/architecture.md, issue 13). The hashes themselves are still written
 * with every chunk, so turning embeddings on later builds the index once, sorted, instead of row by row.
 */
export const HASH_INDEX_MIGRATION = `DROP INDEX IF EXISTS chunks_content_hash;`;

/** Builds the chunk-hash index when missing; called once embeddings are on (at enable, and at open when on). */
export function ensureHashIndex(db: Database.Database): void {
  const exists = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'chunks_content_hash'`).get();
  if (!exists)
    db.exec(`CREATE INDEX IF NOT EXISTS chunks_content_hash ON chunks (content_hash) WHERE content_hash IS NOT NULL`);
}
