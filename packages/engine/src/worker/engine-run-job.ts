import { systemClock, type Clock } from '@tributary/sdk';
import type { Engine, SyncOptions } from '../engine/types.js';
import type { SyncJob } from '../queue/types.js';
import type { RunJob } from './worker.js';

/**
 * The engine's sync options for a queued job: `forceFullSync` → `full_refresh`, `since` → `backfillDays` (rounded
 * up to whole days), trigger and hints passed through. `maxResults` has no engine equivalent and is ignored.
 */
export function syncOptionsFromJob(job: SyncJob, now: number): SyncOptions {
  const o = job.payload.options;
  const options: SyncOptions = {
    mode: o.forceFullSync ? 'full_refresh' : 'incremental',
    trigger: o.trigger ?? 'schedule',
  };
  if (o.hints) options.hints = o.hints;
  const since = o.since ? Date.parse(o.since) : NaN;
  if (Number.isFinite(since)) options.backfillDays = Math.max(1, Math.ceil((now - since) / 86_400_000));
  return options;
}

/**
 * The worker's `runJob` over the engine: one `engine.sync` per job. A failed run throws its TributaryError (the
 * worker retries or dead-letters it by code); an aborted run (pause, shutdown) resolves, having committed its work.
 */
export function createEngineRunJob(engine: Pick<Engine, 'sync'>, clock: Clock = systemClock): RunJob {
  return async (job, signal) => {
    await engine.sync(job.payload.sourceId, { ...syncOptionsFromJob(job, clock.now()), signal });
  };
}
