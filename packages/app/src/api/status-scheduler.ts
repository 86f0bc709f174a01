import { createScheduler, storeSourcePort, type Engine, type Scheduler } from '@tributary/engine';
import { TributaryError } from '@tributary/sdk';

/**
 * The scheduler state of an app started without the process's scheduler (tests, the API bench): computed from the
 * store with the default policy. It can only answer `stateOf`; it never enqueues.
 */
export function statusScheduler(engine: Engine): Pick<Scheduler, 'stateOf' | 'defaultIntervalMinutes'> {
  const scheduler = createScheduler({
    sources: storeSourcePort(engine.ports.sources),
    queue: {
      enqueue: () => Promise.reject(new TributaryError('unsupported', 'This scheduler only reports state.')),
    },
  });
  return { stateOf: (id) => scheduler.stateOf(id), defaultIntervalMinutes: scheduler.defaultIntervalMinutes };
}
