import { silentLogger, systemClock, type Clock, type Logger } from '@tributary/sdk';
import type { EnqueueResult, JobQueue } from '../queue/types.js';
import { syncJobFor } from '../scheduler/plan.js';
import type { MemoryStore, RunRecord } from '../store/types.js';

export interface RecoverStaleRunsOptions {
  store: Pick<MemoryStore, 'findStaleRuns' | 'finishRun' | 'getSource'>;
  queue: Pick<JobQueue, 'enqueue'>;
  /** A run whose heartbeat is older than this is dead. Keep it well above the runner's lease renewal. @default 300000 */
  staleAfterMs?: number;
  clock?: Clock;
  logger?: Logger;
}

export interface RecoveredRun {
  run: RunRecord;
  /** The sync enqueued to finish the work, or null (source gone or paused, or a push run: nothing to re-read). */
  job: EnqueueResult | null;
}

/**
 * Finds runs still marked `running` whose worker stopped heartbeating (killed, machine lost), marks them failed with
 * a reason, and enqueues a sync to resume from the last committed checkpoint. Safe to run from several processes:
 * the enqueue is deduplicated per source; the scheduler leader calls it on its loop.
 */
export async function recoverStaleRuns(options: RecoverStaleRunsOptions): Promise<RecoveredRun[]> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const staleAfterMs = options.staleAfterMs ?? 300_000;
  const cutoff = new Date(clock.now() - staleAfterMs).toISOString();
  const stale = await options.store.findStaleRuns(cutoff);
  const recovered: RecoveredRun[] = [];
  for (const run of stale) {
    const finished = await options.store.finishRun(run.id, {
      status: 'failed',
      errorCode: 'timeout',
      error: `The worker running this sync stopped sending heartbeats (last at ${run.heartbeatAt ?? run.startedAt}); it was probably killed. A new sync resumes from the last committed checkpoint.`,
    });
    const source = await options.store.getSource(run.sourceId);
    let job: EnqueueResult | null = null;
    if (source && source.status !== 'paused' && run.trigger !== 'push') {
      job = await options.queue.enqueue(
        syncJobFor(source, run.trigger, { forceFullSync: run.mode === 'full_refresh' }),
      );
    }
    logger.warn('recovered a stale sync run', { runId: run.id, sourceId: run.sourceId, requeued: job !== null });
    recovered.push({ run: finished, job });
  }
  return recovered;
}
