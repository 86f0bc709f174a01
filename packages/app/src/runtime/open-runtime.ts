import path from 'node:path';
import type { Redis } from 'ioredis';
import {
  createEngine,
  createOAuthFlow,
  createPostgresStore,
  embedderFromEnv,
  embedderFromSettings,
  createRedisQueue,
  createRedisRateLimiter,
  createScheduler,
  createSqliteQueue,
  createSqliteStore,
  createVault,
  abortDeadRuns,
  loadKeyring,
  protectedPathsOf,
  storeSourcePort,
  createRedisWorkerRegistry,
  type WorkerConnectorRegistry,
  pushRenewalPort,
  type Engine,
  type EngineEvent,
  type JobQueue,
  type MemoryStore,
  type OAuthFlow,
  type Scheduler,
} from '@tributary/engine';
import { withVectorIndex } from '@tributary/engine/store/qdrant/with-index';
import { oauthClientsFromEnv } from './oauth-env.js';
import { sourceRateLimiter } from './account-limiter.js';
import { resolveQdrant } from './qdrant-settings.js';
import { budgetsFromEnv } from './budgets-env.js';
import { defaultInterval } from './schedule-env.js';
import { sqliteVectorOptions } from './vector-ann-env.js';
import { migrationProgressReporter } from './migration-progress.js';
import {
  createLogger,
  createTokenBucket,
  TributaryError,
  unlimited,
  type AnyConnector,
  type LogRecord,
  type RateLimiter,
  type RateLimitSpec,
} from '@tributary/sdk';
import { CONNECTOR_MODULES, PLUGINS_MODULE, connectorModuleOf } from './connector-modules.js';
import { createSyncThreadPool } from './sync-threads/pool.js';

/** Name of the SQLite file inside the data dir (embedded mode). */
export const DB_FILE = 'tributary.db';

export interface RuntimeOptions {
  dataDir: string;
  env: Record<string, string | undefined>;
  connectors: AnyConnector[];
  log?: (record: LogRecord) => void;
  onEvent?: (event: EngineEvent) => void;
  /**
   * Where syncs run. `thread` (default): connectors loaded by {@link loadConnectors} sync in worker threads, off the
   * event loop that serves the API and signals (connectors built in memory, as tests do, still run inline). `inline`:
   * on this thread. `TRIBUTARY_SYNC_THREADS=0` also means inline.
   */
  syncIn?: 'thread' | 'inline';
  /** Sync threads at most. @default TRIBUTARY_SYNC_THREADS, else 2 */
  syncThreads?: number;
  /** The process's rate limiters by provider account (a sync thread asks its parent's). @default one per account */
  limiterFor?: (account: string, spec: RateLimitSpec) => RateLimiter;
  /** Marks runs of dead processes `aborted` when the runtime opens. @default true */
  recoverDeadRuns?: boolean;
  /**
   * Records the loaded connectors in the store's registry and logs which lack required environment variables
   * (long-running processes: `up`, `serve`, `worker`, `scheduler`). One-shot CLI commands skip it: the registry
   * records a connector on its first toggle, and `connectors status` records them all. @default false
   */
  registerConnectors?: boolean;
}

/** Everything a Tributary process needs, wired for the deployment mode the environment selects. */
export interface Runtime {
  mode: 'embedded' | 'distributed';
  tuning: RuntimeTuning;
  store: MemoryStore;
  queue: JobQueue;
  engine: Engine;
  scheduler: Scheduler;
  vault: ReturnType<typeof createVault>;
  /** Connect/disconnect with OAuth (providers and client ids from the env, see docs/credentials.md). */
  oauth: OAuthFlow;
  /** The Redis connection in distributed mode (leader election, rate limits). */
  redis: Redis | null;
  /** Distributed mode: which connectors the live workers have (workers advertise, the scheduler routes by it). */
  workers: WorkerConnectorRegistry | null;
  close(): Promise<void>;
}

/**
 * Opens the store, queue, vault, engine and scheduler. Embedded (default): one SQLite file in the data dir holds
 * the store and the job queue. Distributed: `TRIBUTARY_DATABASE_URL` (PostgreSQL) and `TRIBUTARY_REDIS_URL`
 * (Redis Streams) — both, so every process on every machine shares state.
 */
export async function openRuntime(options: RuntimeOptions): Promise<Runtime> {
  const dbUrl = options.env.TRIBUTARY_DATABASE_URL;
  const redisUrl = options.env.TRIBUTARY_REDIS_URL;
  if (Boolean(dbUrl) !== Boolean(redisUrl)) {
    throw new TributaryError(
      'invalid_config',
      `Distributed mode needs both TRIBUTARY_DATABASE_URL and TRIBUTARY_REDIS_URL (only ${dbUrl ? 'TRIBUTARY_DATABASE_URL' : 'TRIBUTARY_REDIS_URL'} is set). Unset it for the embedded mode.`,
      {
        issues: [
          { path: dbUrl ? 'TRIBUTARY_REDIS_URL' : 'TRIBUTARY_DATABASE_URL', message: 'required in distributed mode' },
        ],
      },
    );
  }
  const distributed = Boolean(dbUrl && redisUrl);
  let embedder = embedderFromEnv(options.env);
  const tuning = runtimeTuning(options.env);
  let store: MemoryStore;
  let queue: JobQueue;
  let redis: Redis | null = null;
  if (distributed) {
    store = createPostgresStore({
      connectionString: dbUrl!,
      schema: options.env.TRIBUTARY_DATABASE_SCHEMA,
      // Vectors live in pgvector when the server has it; otherwise the store says so once and search is full text.
      ...(embedder ? { vectorDimensions: embedder.dimensions } : {}),
      logger: createLogger(options.log ?? (() => undefined)),
    });
    // Imported here: the embedded mode never loads the Redis client (CLI start).
    const { Redis } = await import('ioredis');
    redis = new Redis(redisUrl!, { maxRetriesPerRequest: null, lazyConnect: false });
    redis.on('error', () => undefined); // reconnects on its own; commands fail with a clear error meanwhile
  } else {
    store = createSqliteStore({
      path: path.join(options.dataDir, DB_FILE),
      vectors: sqliteVectorOptions(process.env),
      // An old store converted at open (migration 9: minutes at 1M items) shows its progress on stderr.
      onMigrationProgress: migrationProgressReporter({ stderr: process.stderr }),
    });
  }
  try {
    await store.migrate();
    // Saved embeddings settings (config file, API) apply when the environment sets none (docs/embeddings.md).
    embedder ??= await embedderFromSettings(options.env, store);
    // Qdrant from TRIBUTARY_QDRANT_URL, else from the saved settings (config file, CLI, API).
    const qdrant = await resolveQdrant(options.env, store);
    if (qdrant) {
      // Vectors in Qdrant; chunks and the embedding backlog stay in the store. Loaded only when configured.
      const { createQdrantVectorIndex } = await import('@tributary/engine/store/qdrant/index');
      store = withVectorIndex(store, createQdrantVectorIndex(qdrant), `qdrant at ${qdrant.url}`);
    }
    // Runs left `running` by a killed process show as aborted from the next start of any process on.
    if (options.recoverDeadRuns !== false)
      await abortDeadRuns({ store, logger: createLogger(options.log ?? (() => undefined)) });
    if (distributed) {
      queue = createRedisQueue({ redis: redis!, prefix: tuning.queuePrefix, visibilityTimeoutMs: tuning.visibilityMs });
    } else {
      queue = createSqliteQueue({
        db: (store as ReturnType<typeof createSqliteStore>).db,
        visibilityTimeoutMs: tuning.visibilityMs,
      });
    }
    // The same clients refresh expiring tokens (vault) and run the connect flow (API).
    const oauthClients = oauthClientsFromEnv(options.env);
    const vault = createVault({
      store,
      keyring: await loadKeyring({ env: options.env, dataDir: options.dataDir }),
      oauth: oauthClients,
    });
    const oauth = createOAuthFlow({ store, vault, clients: oauthClients });
    const limiters = new Map<string, RateLimiter>();
    const limiterFor =
      options.limiterFor ??
      ((account: string, spec: RateLimitSpec): RateLimiter => {
        let limiter = limiters.get(account);
        if (!limiter) {
          limiter = redis ? createRedisRateLimiter({ redis, account, spec }) : createTokenBucket(spec);
          limiters.set(account, limiter);
        }
        return limiter;
      });
    const threads = syncThreadCount(options);
    const pool =
      threads > 0
        ? createSyncThreadPool({
            init: { dataDir: options.dataDir, env: { ...options.env }, connectorModules: [...CONNECTOR_MODULES] },
            size: threads,
            store,
            limiterFor,
            ...(options.log ? { log: options.log } : {}),
            ...(options.onEvent ? { onEvent: options.onEvent } : {}),
          })
        : null;
    const engine = createEngine({
      ...(embedder ? { embedder } : {}),
      store,
      connectors: options.connectors,
      credentials: (source, connector) => vault.credentialAccess(source.id, connector.manifest.auth),
      storeCredential: (sourceId, credential) => vault.put(sourceId, credential),
      configSecrets: vault.configSecrets,
      // A provider's documented budget is shared by every source of one owner on that provider, and by every worker;
      // Google's (per user account) by every source on the same account (account-limiter.ts).
      rateLimiterFor: (source, connector) => {
        const spec = connector.manifest.rateLimit;
        if (!spec) return unlimited;
        return sourceRateLimiter(source, connector, spec, { limiterFor, credential: (id) => vault.get(id) });
      },
      log: options.log,
      onEvent: options.onEvent,
      // Manifests' env_vars are checked against this process's environment (connectors never read it).
      env: options.env,
      connectorOrigin: (c) => (connectorModuleOf(c) === PLUGINS_MODULE ? 'plugin' : 'builtin'),
      leaseTtlMs: tuning.syncLeaseMs,
      // The trust boundary: no source reads the data dir (keyring, database); budgets stop runaway sources.
      protectedPaths: protectedPathsOf(options.dataDir),
      budgets: budgetsFromEnv(options.env),
      // Who "the user" is for importance (own items, @mentions): TRIBUTARY_SELF, comma-separated names/handles.
      enrichment: {
        self: (options.env.TRIBUTARY_SELF ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      },
      ...(distributed ? {} : { diskPath: options.dataDir }),
      ...(pool ? { syncExecutor: pool.executor } : {}),
    });
    if (options.registerConnectors) await registerConnectors(engine, options.log);
    const workers = distributed ? createRedisWorkerRegistry({ redis: redis!, prefix: tuning.queuePrefix }) : null;
    // Webhook bursts settle for 1.5 s (at most 10 s) before their sync, so new messages show up within seconds.
    const scheduler = createScheduler({
      // Push channels (Google watches) are renewed by a sync the scheduler asks for before they expire; in
      // distributed mode no job goes to a connector (plugin) that no live worker has.
      sources: storeSourcePort(store, {
        pushRenewalAt: pushRenewalPort(engine),
        ...(workers ? { routableConnectors: () => workers.liveConnectors() } : {}),
      }),
      queue,
      policy: {
        webhookDebounceMs: 1500,
        webhookMaxWaitMs: 10_000,
        // Sources without a schedule are manual unless the operator set TRIBUTARY_DEFAULT_INTERVAL_MINUTES.
        defaultIntervalMinutes: tuning.defaultIntervalMinutes,
      },
    });
    return {
      tuning,
      mode: distributed ? 'distributed' : 'embedded',
      store,
      queue,
      engine,
      scheduler,
      vault,
      oauth,
      redis,
      workers,
      async close() {
        // Running syncs are aborted and commit what they did before the store closes.
        await pool?.close();
        await queue.close?.().catch(() => undefined);
        await engine.close();
        if (redis) redis.disconnect();
      },
    };
  } catch (err) {
    await store.close().catch(() => undefined);
    redis?.disconnect();
    throw err;
  }
}

/**
 * Records the loaded connectors in the store's registry (versions, manifest hashes) and says at start which ones
 * lack required environment variables (`manifest.envVars`): their sources will not run until they are set.
 */
async function registerConnectors(engine: Engine, log: RuntimeOptions['log']): Promise<void> {
  await engine.connectors.registry.sync();
  if (!log) return;
  const logger = createLogger(log);
  for (const c of await engine.connectors.registry.list()) {
    if (c.missingEnvVars.length === 0) continue;
    const specs = engine.connectors.get(c.name).manifest.envVars ?? [];
    const listed = c.missingEnvVars.map((n) => `${n} (${specs.find((s) => s.name === n)?.description ?? ''})`);
    logger.warn(`connector ${c.name}: missing environment variables ${listed.join(', ')}; its sources will not run`, {
      connector: c.name,
      missing: c.missingEnvVars,
    });
  }
}

/** Sync threads of a runtime: 0 runs syncs inline. */
function syncThreadCount(options: RuntimeOptions): number {
  if (options.syncIn === 'inline') return 0;
  const raw = options.env.TRIBUTARY_SYNC_THREADS;
  if (options.syncThreads !== undefined) return raw === '0' ? 0 : options.syncThreads;
  if (raw === undefined || raw === '') return 2;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 64)
    throw new TributaryError('invalid_config', `TRIBUTARY_SYNC_THREADS="${raw}": use a whole number from 0 to 64.`, {
      issues: [{ path: 'TRIBUTARY_SYNC_THREADS', message: 'invalid number' }],
    });
  return n;
}

/** Timing knobs, from the environment (documented in docs/deployment.md); defaults suit production. */
export interface RuntimeTuning {
  /** Redis key prefix of the queue (stream `<prefix>jobs`) and the scheduler's leader key. */
  queuePrefix: string;
  /** A job whose worker stops heartbeating is redelivered after this long. */
  visibilityMs: number;
  /** One sync per source: the lease's time-to-live (renewed every third of it while the run lives). */
  syncLeaseMs: number;
  /** A run whose heartbeat is older than this is marked failed and its job re-queued. */
  staleRunMs: number;
  /** Interval of sources without a schedule (`TRIBUTARY_DEFAULT_INTERVAL_MINUTES`); null: they are manual. */
  defaultIntervalMinutes: number | null;
}

export function runtimeTuning(env: Record<string, string | undefined>): RuntimeTuning {
  const ms = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 100)
      throw new TributaryError(
        'invalid_config',
        `${name}="${raw}": use a whole number of milliseconds, at least 100.`,
        { issues: [{ path: name, message: 'invalid duration' }] },
      );
    return n;
  };
  return {
    queuePrefix: env.TRIBUTARY_QUEUE_PREFIX ?? 'ingestion:',
    visibilityMs: ms('TRIBUTARY_QUEUE_VISIBILITY_MS', 60_000),
    syncLeaseMs: ms('TRIBUTARY_SYNC_LEASE_MS', 60_000),
    staleRunMs: ms('TRIBUTARY_STALE_RUN_MS', 300_000),
    defaultIntervalMinutes: defaultInterval(env.TRIBUTARY_DEFAULT_INTERVAL_MINUTES),
  };
}
