import {
  decideRetry,
  isRetryBudgetExhausted,
  toTributaryError,
  type Checkpoint,
  type RetryBudget,
  type SyncMode,
} from '@tributary/sdk';

/** A stored checkpoint after validation with the connector's schema (`parseCheckpoint`). */
export interface StoredCheckpoint<K extends Checkpoint = Checkpoint> {
  checkpoint: K | undefined;
  invalid?: boolean;
  reason?: string;
}

/** What one attempt of a run does. */
export interface RunPlan<K extends Checkpoint = Checkpoint> {
  mode: SyncMode;
  /** What the connector resumes from; undefined reads from scratch. */
  checkpoint: K | undefined;
  /** Mark every item read as seen by this run (a full refresh), so the unseen ones can be tombstoned. */
  markSeen: boolean;
  /** Tombstone what this run did not see, once the read completed. */
  tombstoneAtEnd: boolean;
  /** The stored checkpoint did not fit the connector: this run is a clean full re-sync. */
  cleanResync: boolean;
}

export interface RunPlanInput<K extends Checkpoint = Checkpoint> {
  requested: 'incremental' | 'full_refresh';
  /** 1-based attempt within the run. */
  attempt: number;
  /** The checkpoint in the store now, parsed. */
  stored: StoredCheckpoint<K>;
  /** The plan of the run's first attempt (absent on attempt 1). */
  first?: RunPlan<K>;
  /** Whether an earlier attempt of this run committed a page: then the stored checkpoint is this run's own. */
  committedInRun: boolean;
}

const fullRefresh = <K extends Checkpoint>(checkpoint: K | undefined, cleanResync: boolean): RunPlan<K> => ({
  mode: 'full_refresh',
  checkpoint,
  markSeen: true,
  tombstoneAtEnd: true,
  cleanResync,
});

/**
 * The run plan, pure. A full refresh (asked for, or a clean re-sync after a checkpoint that does not parse) stays
 * a full refresh on every attempt; a retry resumes from the checkpoint this run committed (never from the one it
 * started with), still marking what it sees and tombstoning the unseen at the end. A backfill or incremental read
 * resumes from the stored checkpoint and keeps its mode (so a retried backfill stays bounded by `since`).
 */
export function planRun<K extends Checkpoint>(input: RunPlanInput<K>): RunPlan<K> {
  const { requested, stored, first } = input;
  if (input.attempt > 1 && first) {
    if (first.mode === 'full_refresh') {
      const own = input.committedInRun && !stored.invalid ? stored.checkpoint : undefined;
      return fullRefresh(own, first.cleanResync);
    }
    if (!stored.invalid) {
      return {
        mode: first.mode,
        checkpoint: stored.checkpoint,
        markSeen: false,
        tombstoneAtEnd: false,
        cleanResync: false,
      };
    }
  }
  if (requested === 'full_refresh') return fullRefresh<K>(undefined, false);
  if (stored.invalid) return fullRefresh<K>(undefined, true);
  if (stored.checkpoint)
    return {
      mode: 'incremental',
      checkpoint: stored.checkpoint,
      markSeen: false,
      tombstoneAtEnd: false,
      cleanResync: false,
    };
  return { mode: 'backfill', checkpoint: undefined, markSeen: false, tombstoneAtEnd: false, cleanResync: false };
}

/**
 * The runner's budget for retrying a whole read: 5 attempts (`runRetries` 4), 1 s doubling to 30 s with jitter,
 * none started after 5 minutes of failing.
 */
export const RUN_RETRY_BUDGET: RetryBudget = {
  maxAttempts: 5,
  maxElapsedMs: 300_000,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 300_000,
};

/**
 * The runner's layer of the retry policy: a retryable failure of the whole read resumes from the last committed
 * checkpoint. A request failure that already spent its request budget (the HTTP helper or a provider client retried
 * it) is not repeated here unless the failed attempt made progress; the queue retries the job later. A store outage
 * (`store_unavailable`) is retried on time, not attempts: backoff until the database is back, up to
 * `storeOutageMs`.
 */
export interface ReadRetryInput {
  error: unknown;
  attempt: number;
  /** Pages committed by the attempt that failed. */
  progressed: boolean;
  /** Time since this streak of failures began (the run start, or the last attempt that made progress). */
  failingForMs: number;
  budget: RetryBudget;
  storeOutageMs: number;
  random?: () => number;
}

export function planReadRetry(input: ReadRetryInput): { retry: true; delayMs: number } | { retry: false } {
  const error = toTributaryError(input.error);
  if (!error.retryable || error.code === 'aborted') return { retry: false };
  if (error.code === 'store_unavailable') {
    const budget = { ...input.budget, maxAttempts: Number.POSITIVE_INFINITY, maxElapsedMs: input.storeOutageMs };
    return decideRetry(error, input.attempt, input.failingForMs, { ...budget, maxDelayMs: 5000 }, input.random);
  }
  if (isRetryBudgetExhausted(error) && !input.progressed) return { retry: false };
  return decideRetry(error, input.attempt, input.failingForMs, input.budget, input.random);
}
