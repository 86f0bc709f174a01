import { silentLogger, systemClock, TributaryError, type Clock, type Logger } from '@tributary/sdk';
import type { JobQueue, ReservedJob, SyncJob } from '../queue/types.js';
import { classifyFailure } from './classify.js';
import { defaultConsumerName } from './consumer-name.js';

/** Runs one job; must stop soon after `signal` aborts, having committed what it finished (the runner does). */
export type RunJob = (job: SyncJob, signal: AbortSignal) => Promise<void>;

export type WorkerEvent =
  | { type: 'job_started'; job: SyncJob }
  | { type: 'job_succeeded'; job: SyncJob }
  | { type: 'job_retry'; job: SyncJob; error: string; delayMs: number }
  | { type: 'job_dead'; job: SyncJob; error: string }
  | { type: 'job_dropped'; job: SyncJob; reason: string }
  | { type: 'job_released'; job: SyncJob }
  | { type: 'lease_lost'; job: SyncJob }
  | { type: 'queue_error'; error: string };

export interface WorkerOptions {
  queue: JobQueue;
  runJob: RunJob;
  /** Jobs run at once. @default 1 */
  concurrency?: number;
  /** Unique per worker. @default hostname-pid-random */
  consumerName?: string;
  logger?: Logger;
  /** Lease extension interval; keep it well under the queue's visibility timeout. @default 10000 */
  heartbeatMs?: number;
  /** Wait between polls of an empty queue. @default 1000 */
  pollMs?: number;
  /** After stop() aborts running jobs, how long to wait for them before releasing anyway. @default 30000 */
  stopGraceMs?: number;
  /** Stops on these process signals. @default [] (the CLI passes ['SIGTERM', 'SIGINT']) */
  stopOnSignals?: NodeJS.Signals[];
  clock?: Clock;
  onEvent?: (event: WorkerEvent) => void;
}

export interface Worker {
  readonly consumerName: string;
  start(): void;
  /** Stops taking jobs, aborts running ones, waits for them, gives unfinished ones back to the queue. Idempotent. */
  stop(): Promise<void>;
  /** Jobs running now. */
  active(): number;
}

interface Running {
  reserved: ReservedJob;
  controller: AbortController;
  done: Promise<void>;
}

/**
 * A queue consumer: `concurrency` slots each reserve a job, run it with a heartbeat on its lease, then ack it,
 * fail it (retry/dead-letter, see {@link classifyFailure}) or, on shutdown, release it.
 */
export function createWorker(options: WorkerOptions): Worker {
  const { queue, runJob } = options;
  const consumerName = options.consumerName ?? defaultConsumerName();
  const logger = (options.logger ?? silentLogger).child({ consumer: consumerName });
  const clock = options.clock ?? systemClock;
  const heartbeatMs = options.heartbeatMs ?? 10_000;
  const pollMs = options.pollMs ?? 1000;
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const emit = (event: WorkerEvent): void => {
    try {
      options.onEvent?.(event);
    } catch (err) {
      logger.warn('worker event handler threw', { error: String(err) });
    }
  };

  const stopping = new AbortController();
  const running = new Map<string, Running>();
  let slots: Promise<void>[] = [];
  let stopPromise: Promise<void> | null = null;
  const signalHandlers: Array<[NodeJS.Signals, () => void]> = [];

  const heartbeatLoop = async (r: Running, until: AbortSignal): Promise<boolean> => {
    for (;;) {
      try {
        await clock.sleep(heartbeatMs, until);
      } catch {
        return true;
      }
      try {
        if (!(await queue.heartbeat(r.reserved))) {
          // Someone else owns the job now: stop our copy; the new owner finishes it.
          r.controller.abort(new TributaryError('aborted', 'The job lease was lost.'));
          emit({ type: 'lease_lost', job: r.reserved.job });
          logger.warn('job lease lost', { jobId: r.reserved.job.id });
          return false;
        }
      } catch (err) {
        logger.warn('heartbeat failed; retrying at the next interval', {
          jobId: r.reserved.job.id,
          error: String(err),
        });
      }
    }
  };

  const settle = async (r: Running, outcome: { ok: true } | { ok: false; error: unknown }): Promise<void> => {
    const { reserved } = r;
    const job = reserved.job;
    if (stopping.signal.aborted && r.controller.signal.aborted) {
      // Interrupted by our shutdown: the runner committed what it finished; the next worker resumes from there.
      if (await queue.release(reserved)) emit({ type: 'job_released', job });
      return;
    }
    if (outcome.ok) {
      // False: the lease expired between heartbeats and another consumer owns the job now (it will run it again).
      emit((await queue.ack(reserved)) ? { type: 'job_succeeded', job } : { type: 'lease_lost', job });
      return;
    }
    const decision = classifyFailure(outcome.error);
    if (decision.action === 'drop') {
      await queue.ack(reserved);
      logger.info('job stopped without failure', { jobId: job.id, reason: decision.reason });
      emit({ type: 'job_dropped', job, reason: decision.reason });
      return;
    }
    const result = await queue.fail(reserved, decision.failure);
    const error = decision.failure.code
      ? `${decision.failure.code}: ${decision.failure.message}`
      : decision.failure.message;
    if (result.outcome === 'retry') {
      logger.warn('job failed; will retry', { jobId: job.id, attempt: job.attempts, error, delayMs: result.delayMs });
      emit({ type: 'job_retry', job, error, delayMs: result.delayMs });
    } else if (result.outcome === 'dead') {
      logger.error('job dead-lettered', { jobId: job.id, attempts: job.attempts, error });
      emit({ type: 'job_dead', job, error });
    } else {
      emit({ type: 'lease_lost', job });
    }
  };

  const runOne = async (reserved: ReservedJob): Promise<void> => {
    const controller = new AbortController();
    const entry: Running = { reserved, controller, done: Promise.resolve() };
    const stopHeartbeat = new AbortController();
    entry.done = (async () => {
      let outcome: { ok: true } | { ok: false; error: unknown };
      emit({ type: 'job_started', job: reserved.job });
      const heartbeat = heartbeatLoop(entry, stopHeartbeat.signal);
      try {
        await runJob(reserved.job, controller.signal);
        outcome = { ok: true };
      } catch (error) {
        outcome = { ok: false, error };
      }
      stopHeartbeat.abort();
      const leaseHeld = await heartbeat;
      if (!leaseHeld) return;
      try {
        await settle(entry, outcome);
      } catch (err) {
        logger.error('could not settle job; its lease will expire and it will be redelivered', {
          jobId: reserved.job.id,
          error: String(err),
        });
      }
    })();
    running.set(reserved.job.id, entry);
    try {
      await entry.done;
    } finally {
      running.delete(reserved.job.id);
    }
  };

  const idle = (): Promise<void> => clock.sleep(pollMs, stopping.signal).catch(() => undefined);

  const slot = async (): Promise<void> => {
    while (!stopping.signal.aborted) {
      let reserved: ReservedJob | null;
      try {
        reserved = await queue.reserve(consumerName);
      } catch (err) {
        logger.error('queue reserve failed', { error: String(err) });
        emit({ type: 'queue_error', error: String(err) });
        await idle();
        continue;
      }
      if (!reserved) {
        await idle();
        continue;
      }
      // Stop was called while reserve was in flight: hand the job straight back.
      if (stopping.signal.aborted) {
        await queue.release(reserved).catch(() => undefined);
        return;
      }
      await runOne(reserved);
    }
  };

  const worker: Worker = {
    consumerName,
    start() {
      if (slots.length > 0 || stopping.signal.aborted) return;
      for (const signal of options.stopOnSignals ?? []) {
        const handler = (): void => {
          logger.info('signal received; stopping', { signal });
          void worker.stop();
        };
        process.once(signal, handler);
        signalHandlers.push([signal, handler]);
      }
      slots = Array.from({ length: concurrency }, () => slot());
      logger.info('worker started', { concurrency });
    },
    stop() {
      stopPromise ??= (async () => {
        for (const [signal, handler] of signalHandlers) process.removeListener(signal, handler);
        stopping.abort();
        for (const r of running.values()) r.controller.abort(new TributaryError('aborted', 'The worker is stopping.'));
        const all = Promise.all(slots);
        const grace = options.stopGraceMs ?? 30_000;
        const timer = new AbortController();
        const timedOut = await Promise.race([
          all.then(() => false),
          clock.sleep(grace, timer.signal).then(
            () => true,
            () => false,
          ),
        ]);
        timer.abort();
        if (timedOut) {
          // A job ignored its abort signal: give it back anyway so another worker can take it after its run lease.
          logger.warn('jobs did not stop within the grace period; releasing them', { count: running.size });
          await Promise.all([...running.values()].map((r) => queue.release(r.reserved).catch(() => false)));
        }
        logger.info('worker stopped');
      })();
      return stopPromise;
    },
    active: () => running.size,
  };
  return worker;
}
