import { silentLogger, systemClock, type Clock, type Logger } from '@tributary/sdk';
import type { LeaderElector } from './leader.js';
import type { Scheduler } from './scheduler.js';

export interface SchedulerLoopOptions {
  scheduler: Scheduler;
  /** @default 15000 */
  intervalMs?: number;
  /** In distributed mode: tick only while leader. Embedded mode has one process and needs none. */
  elector?: LeaderElector;
  /** Leader-only housekeeping run after each tick, e.g. `() => recoverStaleRuns({ store, queue })`. */
  maintenance?: () => Promise<unknown>;
  clock?: Clock;
  logger?: Logger;
}

export interface SchedulerLoop {
  /** Stops ticking (and the elector, releasing leadership). Resolves when the current tick is done. */
  stop(): Promise<void>;
}

/** Calls `tick()` every `intervalMs` while this process is the leader. A failed tick is logged, never fatal. */
export function startSchedulerLoop(options: SchedulerLoopOptions): SchedulerLoop {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const intervalMs = options.intervalMs ?? 15_000;
  const stop = new AbortController();
  const run = (async () => {
    if (options.elector) await options.elector.start();
    while (!stop.signal.aborted) {
      if (!options.elector || options.elector.isLeader()) {
        try {
          await options.scheduler.tick();
        } catch (err) {
          logger.error('scheduler tick failed', { error: String(err) });
        }
        try {
          await options.maintenance?.();
        } catch (err) {
          logger.error('scheduler maintenance failed', { error: String(err) });
        }
      }
      await clock.sleep(intervalMs, stop.signal).catch(() => undefined);
    }
  })();
  return {
    async stop() {
      stop.abort();
      await run;
      await options.elector?.stop();
    },
  };
}
