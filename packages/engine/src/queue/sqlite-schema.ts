import type Database from 'better-sqlite3';

/**
 * The queue's own tables. They live in the same SQLite file as the store but carry a `queue_` prefix and their
 * own idempotent DDL, so the queue can be created before, after or without the store's migrations.
 *
 * `state`: `queued` (waiting; `available_at` = when visible), `leased` (`available_at` = lease expiry),
 * `dead` (dead letter). Acked jobs are deleted.
 */
export function ensureQueueSchema(db: Database.Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS queue_jobs (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      id TEXT NOT NULL UNIQUE,
      type TEXT NOT NULL,
      payload TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('queued', 'leased', 'dead')),
      attempts INTEGER NOT NULL DEFAULT 0,
      max_attempts INTEGER NOT NULL,
      available_at INTEGER NOT NULL,
      consumer TEXT,
      lease_token TEXT,
      dedup_key TEXT,
      enqueued_at TEXT NOT NULL,
      last_error TEXT,
      failed_at TEXT
    );
    CREATE UNIQUE INDEX IF NOT EXISTS queue_jobs_dedup ON queue_jobs (dedup_key) WHERE dedup_key IS NOT NULL;
    CREATE INDEX IF NOT EXISTS queue_jobs_ready ON queue_jobs (state, available_at, seq);
    CREATE TABLE IF NOT EXISTS queue_counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
  `);
}
