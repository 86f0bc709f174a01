import type { Migration } from '../migration.js';
import {
  DROP_CHUNK_EMBEDDING_MIGRATION_PG,
  HASHED_TRIGGER_MIGRATION_PG,
  HASH_INDEX_MIGRATION_PG,
  VECTORS_MIGRATION_PG,
} from './vectors-schema.js';
import { SEARCH_FOLD_GUARD_MIGRATION_PG, SEARCH_FOLD_MIGRATION_PG } from './search-fold.js';
import { USER_ROOTS_MIGRATION_PG } from './trust.js';
import { ENRICHMENT_MIGRATION_PG } from './enrichment.js';
import { REGISTRY_MIGRATION_PG } from './registry.js';
import { CONNECTOR_STATE_MIGRATION_PG } from './connector-state.js';

/**
 * PostgreSQL migrations: the same tables and semantics as SQLite. Timestamps are ISO 8601 text in UTC (as at the
 * store boundary, so ordering and comparisons match SQLite exactly); JSON columns are jsonb.
 * Full text: a generated tsvector per chunk (the 'simple' configuration over text with punctuation turned into
 * spaces, as SQLite's unicode61 tokenizer sees it) with a GIN index.
 */
export const PG_MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'core schema',
    sql: `
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  is_admin BOOLEAN NOT NULL DEFAULT false,
  created_at TEXT NOT NULL
);
INSERT INTO users (id, name, is_admin, created_at) VALUES ('local', 'local', true, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'));

CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  read_only BOOLEAN NOT NULL DEFAULT false,
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
  config JSONB NOT NULL DEFAULT '{}',
  schedule JSONB,
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
  enabled BOOLEAN NOT NULL,
  PRIMARY KEY (source_id, feature)
);

CREATE TABLE checkpoints (
  source_id TEXT PRIMARY KEY REFERENCES data_sources(id) ON DELETE CASCADE,
  checkpoint JSONB NOT NULL,
  run_id TEXT,
  updated_at TEXT NOT NULL
);

CREATE TABLE data_source_sync_history (
  id TEXT PRIMARY KEY,
  seq BIGSERIAL,
  source_id TEXT NOT NULL REFERENCES data_sources(id) ON DELETE CASCADE,
  mode TEXT NOT NULL,
  trigger TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'aborted')),
  started_at TEXT NOT NULL,
  finished_at TEXT,
  heartbeat_at TEXT,
  items_seen BIGINT NOT NULL DEFAULT 0,
  created BIGINT NOT NULL DEFAULT 0,
  updated BIGINT NOT NULL DEFAULT 0,
  deleted BIGINT NOT NULL DEFAULT 0,
  unchanged BIGINT NOT NULL DEFAULT 0,
  failed BIGINT NOT NULL DEFAULT 0,
  api_calls BIGINT NOT NULL DEFAULT 0,
  rate_limit_wait_ms BIGINT NOT NULL DEFAULT 0,
  error TEXT,
  error_code TEXT
);
CREATE INDEX sync_history_source ON data_source_sync_history (source_id, started_at);
CREATE INDEX sync_history_running ON data_source_sync_history (status, heartbeat_at) WHERE status = 'running';

CREATE TABLE memories (
  id BIGSERIAL PRIMARY KEY,
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
  metadata JSONB NOT NULL DEFAULT '{}',
  tags JSONB NOT NULL DEFAULT '[]',
  UNIQUE (source_id, external_id)
);
CREATE INDEX memories_occurred ON memories (occurred_at);
CREATE INDEX memories_thread ON memories (thread) WHERE thread IS NOT NULL;

CREATE TABLE memory_versions (
  memory_id BIGINT NOT NULL REFERENCES memories(id) ON DELETE CASCADE,
  version INTEGER NOT NULL,
  title TEXT,
  content TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  metadata JSONB NOT NULL DEFAULT '{}',
  superseded_at TEXT NOT NULL,
  PRIMARY KEY (memory_id, version)
);

CREATE TABLE chunks (
  id BIGSERIAL PRIMARY KEY,
  memory_id BIGINT NOT NULL REFERENCES memories(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  heading TEXT,
  title TEXT,
  text TEXT NOT NULL,
  tsv TSVECTOR GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', regexp_replace(coalesce(title, ''), '[^[:alnum:]_]+', ' ', 'g')), 'A') ||
    setweight(to_tsvector('simple', regexp_replace(text, '[^[:alnum:]_]+', ' ', 'g')), 'B')
  ) STORED
);
CREATE INDEX chunks_memory ON chunks (memory_id);
CREATE INDEX chunks_tsv ON chunks USING GIN (tsv);

CREATE TABLE leases (
  key TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  expires_at BIGINT NOT NULL
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
  value JSONB NOT NULL,
  expires_at BIGINT NOT NULL,
  PRIMARY KEY (namespace, key)
);
`,
  },
  { version: 2, name: 'connector state beside the checkpoint', sql: CONNECTOR_STATE_MIGRATION_PG },
  { version: 3, name: 'allowed roots of users', sql: USER_ROOTS_MIGRATION_PG },
  { version: 4, name: 'importance and domain of memories', sql: ENRICHMENT_MIGRATION_PG },
  { version: 5, name: 'connector registry and feature settings', sql: REGISTRY_MIGRATION_PG },
  { version: 6, name: 'chunk hashes, embedding backlog, vector bookkeeping', sql: VECTORS_MIGRATION_PG },
  { version: 7, name: 'full text folds diacritics as on SQLite', sql: SEARCH_FOLD_MIGRATION_PG },
  { version: 8, name: 'chunk-hash index only while embeddings are on', sql: HASH_INDEX_MIGRATION_PG },
  { version: 9, name: 'drop the unused pgvector column of chunks', sql: DROP_CHUNK_EMBEDDING_MIGRATION_PG },
  { version: 10, name: 'full text folds only texts with a foldable letter', sql: SEARCH_FOLD_GUARD_MIGRATION_PG },
  { version: 11, name: 'embedding backlog triggers only for hashed chunks', sql: HASHED_TRIGGER_MIGRATION_PG },
];

export const LATEST_PG_VERSION = PG_MIGRATIONS[PG_MIGRATIONS.length - 1]!.version;
