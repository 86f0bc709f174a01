import type { RunTrigger } from '../store/types.js';

/**
 * The job queue port. Two backends (SQLite jobs table, Redis Streams) pass one contract suite
 * (`queue.contract.ts`). Delivery is at-least-once: a job whose consumer dies (lease expired) is delivered again,
 * so a job's work must be idempotent — a sync is, because it resumes from the committed checkpoint.
 */

/** Options of a sync job: the seed's `{ maxResults, since, forceFullSync }` plus how it was triggered. */
export interface SyncJobOptions {
  maxResults?: number;
  /** ISO 8601: do not read anything older (a bounded backfill). */
  since?: string;
  /** Re-read everything and tombstone what was not seen (`full_refresh`). */
  forceFullSync?: boolean;
  trigger?: RunTrigger;
  /** What a webhook told us (e.g. `{ channel }`); connectors may narrow the read. */
  hints?: Record<string, unknown>;
}

/** The seed's job payload. */
export interface SyncJobPayload {
  sourceId: string;
  userId: string;
  options: SyncJobOptions;
}

/** A job as stored: `type` is `<connector>:sync`. */
export interface SyncJob {
  id: string;
  type: string;
  payload: SyncJobPayload;
  /** Deliveries so far, the current one included (0 while it waits for its first delivery). */
  attempts: number;
  /** After this many failed deliveries the job goes to the dead letters. */
  maxAttempts: number;
  /** ISO 8601. */
  enqueuedAt: string;
  /** The last failure's message (`code: message`), or null. */
  lastError: string | null;
  /** The dedup key while the job waits for its first delivery (see {@link EnqueueInput.dedupKey}). */
  dedupKey: string | null;
}

export interface EnqueueInput {
  type: string;
  payload: SyncJobPayload;
  /**
   * While a job with this key waits to be delivered, enqueueing another with the same key returns the waiting one
   * (webhook bursts collapse). The key is released when the job is reserved, so changes that arrive while a sync
   * runs still get a sync of their own. A job waiting for a retry does not hold its key.
   */
  dedupKey?: string;
  /** @default the queue's `maxAttempts` */
  maxAttempts?: number;
  /** Visible only after this delay. @default 0 */
  delayMs?: number;
}

export interface EnqueueResult {
  /** The new job's id, or the id of the waiting job it collapsed into. */
  id: string;
  deduplicated: boolean;
}

/** A delivered job and the handle that proves the consumer still holds it. */
export interface ReservedJob {
  job: SyncJob;
  consumer: string;
  /** Backend-specific lease handle (SQLite: a lease token; Redis: the stream entry id and its delivery count). */
  receipt: string;
}

export interface FailureInfo {
  message: string;
  code?: string;
  /** `false` sends the job to the dead letters at once. @default true */
  retryable?: boolean;
  /** The provider asked to wait this long (429 `Retry-After`): the retry waits at least this. */
  retryAfterMs?: number;
}

export type FailOutcome = { outcome: 'retry'; delayMs: number } | { outcome: 'dead' } | { outcome: 'lost' };

export interface DeadLetter {
  job: SyncJob;
  /** ISO 8601. */
  failedAt: string;
  error: string;
}

/** Gauges and one counter, for `/metrics` and the dashboard. */
export interface QueueStats {
  /** Jobs waiting to be delivered, delayed ones (retry backoff) included. */
  depth: number;
  /** Of `depth`: jobs waiting for a retry backoff or a requested delay. */
  delayed: number;
  /** Jobs delivered and not yet acked or failed (their lease may have expired). */
  inFlight: number;
  /** Retries scheduled since the queue was created (a counter). */
  retries: number;
  deadLetters: number;
}

export interface JobQueue {
  readonly backend: 'sqlite' | 'redis';
  /** @throws TributaryError `invalid_input` on a malformed job */
  enqueue(input: EnqueueInput): Promise<EnqueueResult>;
  /** Delivers the next visible job to `consumer` (or null), leasing it for the visibility timeout. Never blocks. */
  reserve(consumer: string): Promise<ReservedJob | null>;
  /**
   * Batched forms for schedulers and busy workers: one round trip (one transaction on SQLite, one pipeline or
   * script on Redis) for many jobs. Each job behaves exactly as with the single call; the batch as a whole is not
   * atomic. `enqueueMany` validates every input before writing any (`invalid_input` stores nothing).
   */
  enqueueMany(inputs: EnqueueInput[]): Promise<EnqueueResult[]>;
  /** Up to `max` visible jobs for `consumer`, abandoned ones first, each leased as by `reserve`. */
  reserveMany(consumer: string, max: number): Promise<ReservedJob[]>;
  /** Acks each job as `ack` would; results in input order. */
  ackMany(reserved: ReservedJob[]): Promise<boolean[]>;
  /** Extends the lease by the visibility timeout. False when the lease was lost (expired and redelivered). */
  heartbeat(reserved: ReservedJob): Promise<boolean>;
  /** Done: removes the job. False when the lease was lost (the job stays with its new consumer). */
  ack(reserved: ReservedJob): Promise<boolean>;
  /** Failed: retried after an exponential backoff, or dead-lettered after `maxAttempts` or when not retryable. */
  fail(reserved: ReservedJob, failure: FailureInfo): Promise<FailOutcome>;
  /** Gives the job back without counting a failure (graceful shutdown): visible again at once. */
  release(reserved: ReservedJob): Promise<boolean>;
  /** Oldest first. */
  listDeadLetters(options?: { limit?: number }): Promise<DeadLetter[]>;
  /** Moves a dead letter back to the queue with a fresh attempt count. False when no such dead letter. */
  requeueDeadLetter(jobId: string): Promise<boolean>;
  /** Deletes a dead letter for good (`tributary jobs discard`). False when no such dead letter. */
  discardDeadLetter(jobId: string): Promise<boolean>;
  /** Any job by id (waiting, in flight or dead), for inspection. */
  getJob(jobId: string): Promise<SyncJob | null>;
  stats(): Promise<QueueStats>;
  close(): Promise<void>;
}

/** Retry policy shared by the backends. */
export interface BackoffOptions {
  /** Delay before the first retry. @default 1000 */
  baseMs?: number;
  /** Cap. @default 300000 (5 min) */
  maxMs?: number;
  /** Fraction of the delay removed at random (0 = deterministic). @default 0.2 */
  jitter?: number;
  random?: () => number;
}

export interface QueueOptions {
  /** How long a delivered job stays invisible without a heartbeat. @default 30000 */
  visibilityTimeoutMs?: number;
  /** @default 5 */
  maxAttempts?: number;
  backoff?: BackoffOptions;
}
