import type pg from 'pg';

/**
 * Migration (PostgreSQL): chunk content hashes, the embedding backlog and the vector index's bookkeeping — the
 * same design as SQLite's (../sqlite/vectors-schema.ts). A trigger on `chunks` queues the hash of every chunk
 * written or removed, in that transaction, once an embedding model has been ensured. A hash queued again while a
 * batch is in flight takes a new sequence number, so `done` of that batch does not remove it. The per-model
 * `vec_m<n>` tables need pgvector and are made by `ensureModel` (vectors.ts).
 */
export const VECTORS_MIGRATION_PG = `
ALTER TABLE chunks ADD COLUMN content_hash TEXT;
CREATE INDEX chunks_content_hash ON chunks (content_hash) WHERE content_hash IS NOT NULL;

CREATE TABLE embedding_settings (id INTEGER PRIMARY KEY CHECK (id = 1), enabled BOOLEAN NOT NULL);
CREATE TABLE embedding_backlog (seq BIGSERIAL PRIMARY KEY, hash TEXT NOT NULL UNIQUE);

CREATE FUNCTION tributary_embed_backlog() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE h TEXT;
BEGIN
  IF TG_OP = 'DELETE' THEN h := OLD.content_hash; ELSE h := NEW.content_hash; END IF;
  IF h IS NOT NULL AND EXISTS (SELECT 1 FROM embedding_settings WHERE enabled) THEN
    INSERT INTO embedding_backlog (hash) VALUES (h)
    ON CONFLICT (hash) DO UPDATE SET seq = nextval(pg_get_serial_sequence('embedding_backlog', 'seq'));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER chunks_embed_ai AFTER INSERT OR DELETE ON chunks FOR EACH ROW EXECUTE FUNCTION tributary_embed_backlog();

CREATE TABLE vector_models (
  id TEXT PRIMARY KEY,
  dimensions INTEGER NOT NULL,
  tbl INTEGER NOT NULL UNIQUE,
  created_at TEXT NOT NULL
);
CREATE TABLE vector_points (
  id BIGSERIAL PRIMARY KEY,
  model TEXT NOT NULL REFERENCES vector_models(id) ON DELETE CASCADE,
  hash TEXT NOT NULL,
  UNIQUE (model, hash)
);
CREATE TABLE vector_scopes (
  point_id BIGINT NOT NULL REFERENCES vector_points(id) ON DELETE CASCADE,
  owner_id TEXT NOT NULL,
  source_id TEXT NOT NULL,
  PRIMARY KEY (point_id, source_id)
);
CREATE INDEX vector_scopes_owner ON vector_scopes (owner_id, point_id);
CREATE INDEX vector_scopes_source ON vector_scopes (source_id, point_id);
`;

/**
 * Migration 8 (as SQLite's migration 8): the chunk-hash index exists only while embeddings are on — only the embedding
 * side looks chunks up by hash, and a keyword-only backfill should not keep a B-tree of random hashes in step.
 */
export const HASH_INDEX_MIGRATION_PG = `DROP INDEX IF EXISTS chunks_content_hash;`;

/**
 * The first key of the advisory lock (with the schema's hash as the second) that page commits hold shared while they
 * decide whether to hash chunks, and that turning embeddings on takes exclusively.
 */
export const EMBEDDING_SWITCH_LOCK = 7_262_011;

/** Builds the chunk-hash index when missing (checked first: CREATE INDEX locks out writers even when it exists). */
export async function ensureHashIndexPg(pool: pg.Pool): Promise<void> {
  const { rows } = await pool.query(
    `SELECT 1 FROM pg_indexes WHERE schemaname = current_schema() AND indexname = 'chunks_content_hash'`,
  );
  if (!rows.length)
    await pool.query(
      `CREATE INDEX IF NOT EXISTS chunks_content_hash ON chunks (content_hash) WHERE content_hash IS NOT NULL`,
    );
}

/**
 * Migration 9: the `chunks.embedding` column (and its HNSW index) that pgvector installs of earlier versions added
 * outside the core sequence (version 1001). Vectors live in the per-model tables of the vector index (vectors.ts);
 * nothing reads or writes the column any more. Dropping the column drops its index; its space is reclaimed by the
 * next table rewrite (migration 10).
 */
export const DROP_CHUNK_EMBEDDING_MIGRATION_PG = `
DROP INDEX IF EXISTS chunks_embedding;
ALTER TABLE chunks DROP COLUMN IF EXISTS embedding;
DELETE FROM schema_migrations WHERE version = 1001;
`;

/**
 * Migration 11: the backlog triggers fire only for chunks that carry a hash. The write path hashes chunks only while
 * embeddings are on (write-path.ts; `enqueueAll` fills the rest when they are turned on), so a keyword-only backfill
 * no longer calls the PL/pgSQL function (and its settings lookup) once per chunk: a row trigger's WHEN is checked
 * before the event is even queued. Two triggers, because a WHEN cannot name NEW and OLD in one INSERT OR DELETE trigger.
 */
export const HASHED_TRIGGER_MIGRATION_PG = `
DROP TRIGGER IF EXISTS chunks_embed_ai ON chunks;
CREATE TRIGGER chunks_embed_ai AFTER INSERT ON chunks FOR EACH ROW WHEN (NEW.content_hash IS NOT NULL)
  EXECUTE FUNCTION tributary_embed_backlog();
CREATE TRIGGER chunks_embed_ad AFTER DELETE ON chunks FOR EACH ROW WHEN (OLD.content_hash IS NOT NULL)
  EXECUTE FUNCTION tributary_embed_backlog();
`;
