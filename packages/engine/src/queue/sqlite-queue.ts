import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '@tributary/sdk';
import { retryDelay } from './backoff.js';
import { failureText, newJobId, validateEnqueue } from './job-input.js';
import { ensureQueueSchema } from './sqlite-schema.js';
import type {
  DeadLetter,
  EnqueueInput,
  EnqueueResult,
  FailOutcome,
  FailureInfo,
  JobQueue,
  QueueOptions,
  QueueStats,
  ReservedJob,
  SyncJob,
} from './types.js';

export interface SqliteQueueOptions extends QueueOptions {
  /** The SQLite file (shared with the store is fine: tables are `queue_*`). Ignored when `db` is given. */
  path?: string;
  /** An open connection to reuse (the caller closes it). */
  db?: Database.Database;
  /** Lease and backoff times come from here; tests pass a manual clock. */
  clock?: Clock;
}

interface JobRow {
  id: string;
  type: string;
  payload: string;
  state: 'queued' | 'leased' | 'dead';
  attempts: number;
  max_attempts: number;
  available_at: number;
  consumer: string | null;
  lease_token: string | null;
  dedup_key: string | null;
  enqueued_at: string;
  last_error: string | null;
  failed_at: string | null;
}

const toJob = (row: JobRow): SyncJob => ({
  id: row.id,
  type: row.type,
  payload: JSON.parse(row.payload) as SyncJob['payload'],
  attempts: row.attempts,
  maxAttempts: row.max_attempts,
  enqueuedAt: row.enqueued_at,
  lastError: row.last_error,
  dedupKey: row.dedup_key,
});

/**
 * The embedded queue: a `queue_jobs` table in an SQLite file (WAL). Leases are rows with an expiry; an expired
 * lease makes the job visible again. Every operation is one short transaction, so several processes can share
 * the file.
 */
export function createSqliteQueue(options: SqliteQueueOptions): JobQueue {
  const ownDb = !options.db;
  if (!options.db && !options.path) throw new Error('createSqliteQueue needs `path` or `db`.');
  const db = options.db ?? new Database(options.path!);
  if (ownDb) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
  }
  ensureQueueSchema(db);
  const clock = options.clock ?? systemClock;
  const visibilityMs = options.visibilityTimeoutMs ?? 30_000;
  const defaultMaxAttempts = options.maxAttempts ?? 5;
  const iso = (ms: number): string => new Date(ms).toISOString();

  const stmt = {
    insert: db.prepare(
      `INSERT INTO queue_jobs (id, type, payload, state, attempts, max_attempts, available_at, dedup_key, enqueued_at)
       VALUES (@id, @type, @payload, 'queued', 0, @maxAttempts, @availableAt, @dedupKey, @enqueuedAt)`,
    ),
    byDedup: db.prepare<[string], { id: string }>(`SELECT id FROM queue_jobs WHERE dedup_key = ?`),
    byId: db.prepare<[string], JobRow>(`SELECT * FROM queue_jobs WHERE id = ?`),
    // One query per state: `state IN (…)` would make SQLite sort every ready row instead of walking the index.
    nextQueued: db.prepare<[number], JobRow>(
      `SELECT * FROM queue_jobs WHERE state = 'queued' AND available_at <= ? ORDER BY available_at, seq LIMIT 1`,
    ),
    nextExpired: db.prepare<[number], JobRow>(
      `SELECT * FROM queue_jobs WHERE state = 'leased' AND available_at <= ? ORDER BY available_at, seq LIMIT 1`,
    ),
    lease: db.prepare(
      `UPDATE queue_jobs SET state = 'leased', attempts = attempts + 1, available_at = @expires, consumer = @consumer,
         lease_token = @token, dedup_key = NULL WHERE id = @id`,
    ),
    owned: db.prepare<[string, string], JobRow>(
      `SELECT * FROM queue_jobs WHERE id = ? AND state = 'leased' AND lease_token = ?`,
    ),
    extend: db.prepare(`UPDATE queue_jobs SET available_at = ? WHERE id = ? AND state = 'leased' AND lease_token = ?`),
    remove: db.prepare(`DELETE FROM queue_jobs WHERE id = ? AND state = 'leased' AND lease_token = ?`),
    retry: db.prepare(
      `UPDATE queue_jobs SET state = 'queued', available_at = ?, consumer = NULL, lease_token = NULL, last_error = ?
       WHERE id = ?`,
    ),
    kill: db.prepare(
      `UPDATE queue_jobs SET state = 'dead', consumer = NULL, lease_token = NULL, dedup_key = NULL, last_error = ?,
         failed_at = ? WHERE id = ?`,
    ),
    release: db.prepare(
      `UPDATE queue_jobs SET state = 'queued', available_at = ?, attempts = MAX(0, attempts - 1), consumer = NULL,
         lease_token = NULL WHERE id = ? AND state = 'leased' AND lease_token = ?`,
    ),
    dead: db.prepare<[number], JobRow>(
      `SELECT * FROM queue_jobs WHERE state = 'dead' ORDER BY failed_at, seq LIMIT CAST(? AS INTEGER)`,
    ),
    requeue: db.prepare(
      `UPDATE queue_jobs SET state = 'queued', attempts = 0, available_at = ?, failed_at = NULL
       WHERE id = ? AND state = 'dead'`,
    ),
    discard: db.prepare(`DELETE FROM queue_jobs WHERE id = ? AND state = 'dead'`),
    bump: db.prepare(
      `INSERT INTO queue_counters (name, value) VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET value = value + 1`,
    ),
    counter: db.prepare<[string], { value: number }>(`SELECT value FROM queue_counters WHERE name = ?`),
    counts: db.prepare<[number], { depth: number; delayed: number; inFlight: number; dead: number }>(
      `SELECT
         COALESCE(SUM(state = 'queued'), 0) AS depth,
         COALESCE(SUM(state = 'queued' AND available_at > ?), 0) AS delayed,
         COALESCE(SUM(state = 'leased'), 0) AS inFlight,
         COALESCE(SUM(state = 'dead'), 0) AS dead
       FROM queue_jobs`,
    ),
  };

  const enqueueTx = db.transaction((input: EnqueueInput): EnqueueResult => {
    if (input.dedupKey) {
      const existing = stmt.byDedup.get(input.dedupKey);
      if (existing) return { id: existing.id, deduplicated: true };
    }
    const id = newJobId();
    const now = clock.now();
    stmt.insert.run({
      id,
      type: input.type,
      payload: JSON.stringify(input.payload),
      maxAttempts: input.maxAttempts ?? defaultMaxAttempts,
      availableAt: now + (input.delayMs ?? 0),
      dedupKey: input.dedupKey ?? null,
      enqueuedAt: iso(now),
    });
    return { id, deduplicated: false };
  });

  const deadLetter = (id: string, error: string): void => {
    stmt.kill.run(error, iso(clock.now()), id);
  };

  // `immediate` takes the write lock up front, so two processes cannot lease the same row.
  const reserveTx = db.transaction((consumer: string): ReservedJob | null => {
    const now = clock.now();
    for (;;) {
      // Abandoned jobs first: they have waited longest.
      const row = stmt.nextExpired.get(now) ?? stmt.nextQueued.get(now);
      if (!row) return null;
      // A lease that expired on the last allowed attempt: its consumer keeps dying; stop redelivering.
      if (row.state === 'leased' && row.attempts >= row.max_attempts) {
        deadLetter(
          row.id,
          `lease expired ${row.attempts} times (consumer ${row.consumer ?? '?'} stopped heartbeating)`,
        );
        continue;
      }
      const token = randomUUID();
      stmt.lease.run({ id: row.id, expires: now + visibilityMs, consumer, token });
      const job = toJob({ ...row, attempts: row.attempts + 1, dedup_key: null });
      return { job, consumer, receipt: token };
    }
  });

  const enqueueManyTx = db.transaction((inputs: EnqueueInput[]): EnqueueResult[] => inputs.map((i) => enqueueTx(i)));
  const reserveManyTx = db.transaction((consumer: string, max: number): ReservedJob[] => {
    const out: ReservedJob[] = [];
    while (out.length < max) {
      const r = reserveTx(consumer);
      if (!r) break;
      out.push(r);
    }
    return out;
  });
  const ackManyTx = db.transaction((reserved: ReservedJob[]): boolean[] =>
    reserved.map((r) => stmt.remove.run(r.job.id, r.receipt).changes === 1),
  );

  const failTx = db.transaction((reserved: ReservedJob, failure: FailureInfo): FailOutcome => {
    const row = stmt.owned.get(reserved.job.id, reserved.receipt);
    if (!row) return { outcome: 'lost' };
    const text = failureText(failure);
    if (failure.retryable === false || row.attempts >= row.max_attempts) {
      deadLetter(row.id, text);
      return { outcome: 'dead' };
    }
    const delayMs = retryDelay(row.attempts, options.backoff, failure.retryAfterMs);
    stmt.retry.run(clock.now() + delayMs, text, row.id);
    stmt.bump.run('retries');
    return { outcome: 'retry', delayMs };
  });

  return {
    backend: 'sqlite',
    async enqueue(input) {
      validateEnqueue(input);
      return enqueueTx.immediate(input);
    },
    async reserve(consumer) {
      return reserveTx.immediate(consumer);
    },
    async enqueueMany(inputs) {
      for (const input of inputs) validateEnqueue(input);
      return inputs.length ? enqueueManyTx.immediate(inputs) : [];
    },
    async reserveMany(consumer, max) {
      return max >= 1 ? reserveManyTx.immediate(consumer, Math.floor(max)) : [];
    },
    async ackMany(reserved) {
      return reserved.length ? ackManyTx.immediate(reserved) : [];
    },
    async heartbeat(reserved) {
      return stmt.extend.run(clock.now() + visibilityMs, reserved.job.id, reserved.receipt).changes === 1;
    },
    async ack(reserved) {
      return stmt.remove.run(reserved.job.id, reserved.receipt).changes === 1;
    },
    async fail(reserved, failure) {
      return failTx.immediate(reserved, failure);
    },
    async release(reserved) {
      return stmt.release.run(clock.now(), reserved.job.id, reserved.receipt).changes === 1;
    },
    async listDeadLetters(opts = {}): Promise<DeadLetter[]> {
      return stmt.dead.all(opts.limit ?? 100).map((row) => ({
        job: toJob(row),
        failedAt: row.failed_at ?? row.enqueued_at,
        error: row.last_error ?? '',
      }));
    },
    async requeueDeadLetter(jobId) {
      return stmt.requeue.run(clock.now(), jobId).changes === 1;
    },
    async discardDeadLetter(jobId) {
      return stmt.discard.run(jobId).changes === 1;
    },
    async getJob(jobId) {
      const row = stmt.byId.get(jobId);
      return row ? toJob(row) : null;
    },
    async stats(): Promise<QueueStats> {
      const c = stmt.counts.get(clock.now())!;
      return {
        depth: c.depth,
        delayed: c.delayed,
        inFlight: c.inFlight,
        retries: stmt.counter.get('retries')?.value ?? 0,
        deadLetters: c.dead,
      };
    },
    async close() {
      if (ownDb && db.open) db.close();
    },
  };
}
