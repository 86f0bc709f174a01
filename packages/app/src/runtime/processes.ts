import {
  createEngineRunJob,
  createPgLeaderElector,
  createRedisLeaderElector,
  createWorker,
  recoverStaleRuns,
  startSchedulerLoop,
  startWorkerAdvertiser,
  type LeaderElector,
  type SchedulerLoop,
  type Worker,
} from '@tributary/engine';
import type { Logger } from '@tributary/sdk';
import { assertWorkerHasConnector } from '../plugins/worker-guard.js';
import type { Runtime } from './open-runtime.js';

/** A worker consuming sync jobs from the runtime's queue. */
export function startWorker(
  runtime: Runtime,
  options: { concurrency?: number; logger: Logger; consumerName?: string },
): Worker {
  const worker = createWorker({
    queue: runtime.queue,
    runJob: guardedRunJob(runtime),
    concurrency: options.concurrency ?? 2,
    logger: options.logger,
    ...(options.consumerName ? { consumerName: options.consumerName } : {}),
    pollMs: runtime.mode === 'embedded' ? 500 : 1000,
    // SIGTERM drains within 10 s: aborted syncs commit their page and stop; a job still running after this is
    // released to the queue (its run is recorded aborted).
    stopGraceMs: 8000,
    // Well under the queue's visibility timeout: now that jobs run in threads, idle slots keep polling, and a job
    // whose lease lapses between heartbeats is claimed by another consumer (and dead-lettered after 5 such claims).
    heartbeatMs: Math.max(250, Math.floor(runtime.tuning.visibilityMs / 4)),
    onEvent: (event) => {
      if (event.type !== 'job_dead') return;
      // The source shows its last dead job's error, so `status` and GET /sources/{id} say why syncs stopped and
      // what to do about it.
      const { job, error } = event;
      void runtime.store
        .updateSource(job.payload.sourceId, {
          errorMessage: `dead job ${job.id} after ${job.attempts} attempt(s): ${error} (tributary jobs retry ${job.id})`,
        })
        .catch(() => undefined);
    },
  });
  worker.start();
  // Distributed: advertise this host's connectors (plugins differ per host) so the scheduler routes only what some
  // live worker can run; withdrawn when the worker stops.
  if (runtime.workers) {
    const advertiser = startWorkerAdvertiser(
      runtime.workers,
      () => runtime.engine.connectors.list().map((c) => c.manifest.name),
      { workerId: worker.consumerName, logger: options.logger },
    );
    const stop = worker.stop.bind(worker);
    worker.stop = async () => {
      await advertiser.stop();
      await stop();
    };
  }
  // Embedding is off the write path: the worker drains the embedding backlog beside its jobs (stopped by
  // engine.close()). No-op without an embedder.
  runtime.engine.embeddings.startBackground();
  return worker;
}

/** Runs a job's sync; a worker without the job's connector (a plugin not installed on this host) refuses it. */
function guardedRunJob(runtime: Runtime): ReturnType<typeof createEngineRunJob> {
  const run = createEngineRunJob(runtime.engine);
  return async (job, signal) => {
    await assertWorkerHasConnector(runtime.engine, job.payload.sourceId);
    return run(job, signal);
  };
}

/**
 * The scheduler loop. Distributed: only the elected leader ticks (Redis lease; PostgreSQL advisory lock when
 * `TRIBUTARY_LEADER=postgres`). Embedded: one process, no election. The leader also recovers stuck runs.
 */
export function startScheduler(
  runtime: Runtime,
  options: { logger: Logger; intervalMs?: number; env: Record<string, string | undefined> },
): SchedulerLoop {
  let elector: LeaderElector | undefined;
  if (runtime.mode === 'distributed') {
    elector =
      options.env.TRIBUTARY_LEADER === 'postgres'
        ? createPgLeaderElector({ connectionString: options.env.TRIBUTARY_DATABASE_URL!, logger: options.logger })
        : createRedisLeaderElector({
            redis: runtime.redis!,
            key: `${runtime.tuning.queuePrefix}scheduler:leader`,
            logger: options.logger,
            onChange: (leader) =>
              options.logger.info(leader ? 'scheduler: became leader' : 'scheduler: lost leadership'),
          });
  }
  return startSchedulerLoop({
    scheduler: runtime.scheduler,
    intervalMs: options.intervalMs ?? 15_000,
    ...(elector ? { elector } : {}),
    maintenance: () =>
      recoverStaleRuns({
        store: runtime.store,
        queue: runtime.queue,
        logger: options.logger,
        staleAfterMs: runtime.tuning.staleRunMs,
      }),
    logger: options.logger,
  });
}
