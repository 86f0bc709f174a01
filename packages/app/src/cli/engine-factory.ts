import type { Runtime } from '../runtime/open-runtime.js';
import type { EngineFactory } from './context.js';
import { openReadEngine } from './read-engine.js';

/**
 * The engine every CLI command uses, from the same runtime as `up`, `worker` and `scheduler`: embedded (the SQLite
 * file in the data dir) unless `TRIBUTARY_DATABASE_URL` and `TRIBUTARY_REDIS_URL` select the distributed mode, so
 * `tributary sources add …` on any machine of a deployment writes to the shared PostgreSQL. The vault is keyed by
 * `TRIBUTARY_SECRET_KEY` or the data dir's keyring file (created 0600 on first use).
 * A read-only command (search) in the embedded mode opens the store and the engine facade only: see
 * {@link openReadEngine}.
 */
export function runtimeEngineFactory(env: Record<string, string | undefined>): EngineFactory {
  // Imported on first use: the runtime pulls every driver (SQLite, pg, ioredis), which --help never needs.
  return async (dataDir, connectors, options) => {
    const distributed = Boolean(env.TRIBUTARY_DATABASE_URL || env.TRIBUTARY_REDIS_URL);
    if (options?.readOnly && !distributed)
      return openReadEngine(dataDir, env, connectors, options.recoverDeadRuns ?? false);
    const { openRuntime } = await import('../runtime/open-runtime.js');
    return engineOf(await openRuntime({ dataDir, env, connectors }));
  };
}

/** The runtime's engine, whose `close()` closes the whole runtime (queue and Redis connection too). */
export function engineOf(runtime: Runtime): Runtime['engine'] {
  return { ...runtime.engine, close: () => runtime.close() };
}
