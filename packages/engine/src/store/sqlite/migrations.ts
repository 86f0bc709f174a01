import type Database from 'better-sqlite3';
import type { Migration } from '../migration.js';
import { CONNECTOR_STATE_MIGRATION } from './connector-state.js';
import { FTS_BACKLOG_MIGRATION } from './fts-backlog.js';
import { USAGE_INDEX_MIGRATION, USER_ROOTS_MIGRATION } from './trust.js';
import { ENRICHMENT_MIGRATION } from './enrichment.js';
import { HASH_INDEX_MIGRATION, VECTORS_MIGRATION } from './vectors-schema.js';
import { REGISTRY_MIGRATION } from './registry.js';
import { CONTENT_ONCE_MIGRATION, convertLongContentToBlocks, convertToContentOnce } from './content-once.js';
import { CHUNK_SIBLINGS_MIGRATION, fillChunkSiblings } from './chunk-siblings.js';
import { RANK_INDEX_MIGRATION } from './search.js';
import { fillSourceCounts, SOURCE_COUNTS_MIGRATION } from './source-counts.js';
import { fillImportanceBounds, IMPORTANCE_BOUNDS_MIGRATION, refillImportanceBounds } from './importance-bounds.js';

/**
 * Versioned migrations of the embedded store. Append only: never edit a shipped migration, add the next one.
 * Table names follow the seed (`data_sources`, `data_source_sync_history`).
 */
export type { Migration };

/** How far a conversion in code has come: `done` of `total` rows (it may call this after every batch). */
export type ConversionProgress = (done: number, total: number) => void;

/** A migration of the embedded store may convert data in code after its SQL, in the same transaction. */
export interface SqliteMigration extends Migration {
  run?: (db: Database.Database, progress: ConversionProgress) => void;
}

export const SQLITE_MIGRATIONS: SqliteMigration[] = [
  {
    version: 1,
    name: 'core schema',
    sql: `
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  is_admin INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL
);
INSERT INTO users (id, name, is_admin, created_at) VALUES ('local', 'local', 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));

CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  read_only INTEGER NOT NULL DEFAULT 0,
  scope TEXT NOT NULL DEFAULT 'api' CHECK (scope IN ('api', 'metrics')),
  created_at TEXT NOT NULL,
  last_used_at TEXT,
  revoked_at TEXT
);

CREATE TABLE data_sources (
  id TEXT PRIMARY KEY,
  owner_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  source_type TEXT NOT NULL,
  name TEXT NOT NULL,
  config TEXT NOT NULL DEFAULT '{}',
  schedule TEXT,
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'error')),
  last_sync_at TEXT,
  error_message TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (owner_id, name)
);

CREATE TABLE source_features (
  source_id TEXT NOT NULL REFERENCES data_sources(id) ON DELETE CASCADE,
  feature TEXT NOT NULL,
  enabled INTEGER NOT NULL,
  PRIMARY KEY (source_id, feature)
);

CREATE TABLE checkpoints (
  source_id TEXT PRIMARY KEY REFERENCES data_sources(id) ON DELETE CASCADE,
  checkpoint TEXT NOT NULL,
  run_id TEXT,
  updated_at TEXT NOT NULL
);

CREATE TABLE data_source_sync_history (
  id TEXT PRIMARY KEY,
  source_id TEXT NOT NULL REFERENCES data_sources(id) ON DELETE CASCADE,
  mode TEXT NOT NULL,
  trigger TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'aborted')),
  started_at TEXT NOT NULL,
  finished_at TEXT,
  heartbeat_at TEXT,
  items_seen INTEGER NOT NULL DEFAULT 0,
  created INTEGER NOT NULL DEFAULT 0,
  updated INTEGER NOT NULL DEFAULT 0,
  deleted INTEGER NOT NULL DEFAULT 0,
  unchanged INTEGER NOT NULL DEFAULT 0,
  failed INTEGER NOT NULL DEFAULT 0,
  api_calls INTEGER NOT NULL DEFAULT 0,
  rate_limit_wait_ms INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  error_code TEXT
);
CREATE INDEX sync_history_source ON data_source_sync_history (source_id, started_at);
CREATE INDEX sync_history_running ON data_source_sync_history (status, heartbeat_at) WHERE status = 'running';

CREATE TABLE memories (
  id INTEGER PRIMARY KEY,
  source_id TEXT NOT NULL REFERENCES data_sources(id) ON DELETE CASCADE,
  external_id TEXT NOT NULL,
  stream TEXT NOT NULL,
  title TEXT,
  content TEXT NOT NULL,
  content_type TEXT NOT NULL,
  url TEXT,
  author TEXT,
  container TEXT,
  thread TEXT,
  occurred_at TEXT,
  ingested_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  deleted_at TEXT,
  seen_run TEXT,
  metadata TEXT NOT NULL DEFAULT '{}',
  tags TEXT NOT NULL DEFAULT '[]',
  UNIQUE (source_id, external_id)
);
CREATE INDEX memories_occurred ON memories (occurred_at);
CREATE INDEX memories_thread ON memories (thread) WHERE thread IS NOT NULL;

CREATE TABLE memory_versions (
  memory_id INTEGER NOT NULL REFERENCES memories(id) ON DELETE CASCADE,
  version INTEGER NOT NULL,
  title TEXT,
  content TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  metadata TEXT NOT NULL DEFAULT '{}',
  superseded_at TEXT NOT NULL,
  PRIMARY KEY (memory_id, version)
);

CREATE TABLE chunks (
  id INTEGER PRIMARY KEY,
  memory_id INTEGER NOT NULL REFERENCES memories(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  heading TEXT,
  title TEXT,
  text TEXT NOT NULL
);
CREATE INDEX chunks_memory ON chunks (memory_id);

-- External-content FTS5 index over chunks, kept in step by triggers so that every path that removes chunks
-- (tombstones, new versions, cascading deletes of a source) also removes their index rows.
CREATE VIRTUAL TABLE chunks_fts USING fts5(title, text, content='chunks', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER chunks_ai AFTER INSERT ON chunks BEGIN
  INSERT INTO chunks_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
END;
CREATE TRIGGER chunks_ad AFTER DELETE ON chunks BEGIN
  INSERT INTO chunks_fts (chunks_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
END;

CREATE TABLE leases (
  key TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);

CREATE TABLE credentials (
  source_id TEXT PRIMARY KEY REFERENCES data_sources(id) ON DELETE CASCADE,
  key_id TEXT NOT NULL,
  iv TEXT NOT NULL,
  tag TEXT NOT NULL,
  ciphertext TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  revision INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE kv (
  namespace TEXT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (namespace, key)
);
`,
  },
  { version: 2, name: 'deferred full-text indexing for bulk backfills', sql: FTS_BACKLOG_MIGRATION },
  { version: 3, name: 'connector state beside the checkpoint', sql: CONNECTOR_STATE_MIGRATION },
  { version: 4, name: 'allowed roots of users', sql: USER_ROOTS_MIGRATION },
  { version: 5, name: 'importance and domain of memories', sql: ENRICHMENT_MIGRATION },
  { version: 6, name: 'connector registry and feature settings', sql: REGISTRY_MIGRATION },
  { version: 7, name: 'chunk hashes, embedding backlog, sqlite-vec bookkeeping', sql: VECTORS_MIGRATION },
  { version: 8, name: 'chunk-hash index only while embeddings are on', sql: HASH_INDEX_MIGRATION },
  {
    version: 9,
    name: 'content stored once: chunk spans, contentless index, compressed text',
    sql: CONTENT_ONCE_MIGRATION,
    run: convertToContentOnce,
  },
  { version: 10, name: 'usage index: budget checks read sizes from an index', sql: USAGE_INDEX_MIGRATION },
  {
    version: 11,
    name: 'long text compressed in blocks, so a snippet inflates one block',
    sql: '-- the conversion runs in code (content-once.ts)',
    run: convertLongContentToBlocks,
  },
  {
    version: 12,
    name: 'chunks of multi-chunk memories listed, so a keyword total rarely looks up memories',
    sql: CHUNK_SIBLINGS_MIGRATION,
    run: fillChunkSiblings,
  },
  {
    version: 13,
    name: 'importance range of memories, so keyword search looks up fewer candidates',
    sql: IMPORTANCE_BOUNDS_MIGRATION,
    run: fillImportanceBounds,
  },
  {
    version: 14,
    name: 'importance range taken from the memories again (a store created empty kept 0 as its lowest)',
    sql: '-- the conversion runs in code (importance-bounds.ts)',
    run: refillImportanceBounds,
  },
  {
    version: 15,
    name: 'ranking columns of memories in an index, so a long text is not read to rank it',
    sql: RANK_INDEX_MIGRATION,
  },
  {
    version: 16,
    name: 'counts and time span of every source kept by triggers, so its stats read no memories',
    sql: SOURCE_COUNTS_MIGRATION,
    run: fillSourceCounts,
  },
];

export const LATEST_SQLITE_VERSION = SQLITE_MIGRATIONS[SQLITE_MIGRATIONS.length - 1]!.version;
