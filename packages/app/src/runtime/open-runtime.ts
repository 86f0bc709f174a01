import path from 'node:path';
import { Redis } from 'ioredis';
import {
  createEngine,
  createOAuthFlow,
  createPostgresStore,
  embedderFromEnv,
  createRedisQueue,
  createRedisRateLimiter,
  createScheduler,
  createSqliteQueue,
  createSqliteStore,
  createVault,
  loadKeyring,
  storeSourcePort,
  type Engine,
  type EngineEvent,
  type JobQueue,
  type MemoryStore,
  type OAuthFlow,
  type Scheduler,
} from '@tributary/engine';
import { oauthClientsFromEnv } from './oauth-env.js';
import {
  createLogger,
  createTokenBucket,
  TributaryError,
  unlimited,
  type AnyConnector,
  type LogRecord,
  type RateLimiter,
} from '@tributary/sdk';

/** Name of the SQLite file inside the data dir (embedded mode). */
export const DB_FILE = 'tributary.db';

export interface RuntimeOptions {
  dataDir: string;
  env: Record<string, string | undefined>;
  connectors: AnyConnector[];
  log?: (record: LogRecord) => void;
  onEvent?: (event: EngineEvent) => void;
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
  const embedder = embedderFromEnv(options.env);
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
    redis = new Redis(redisUrl!, { maxRetriesPerRequest: null, lazyConnect: false });
    redis.on('error', () => undefined); // reconnects on its own; commands fail with a clear error meanwhile
  } else {
    store = createSqliteStore({ path: path.join(options.dataDir, DB_FILE) });
  }
  try {
    await store.migrate();
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
    const engine = createEngine({
      ...(embedder ? { embedder } : {}),
      store,
      connectors: options.connectors,
      credentials: (source, connector) => vault.credentialAccess(source.id, connector.manifest.auth),
      storeCredential: (sourceId, credential) => vault.put(sourceId, credential),
      configSecrets: vault.configSecrets,
      // A provider's documented budget is shared by every source of one owner on that provider, and by every worker.
      rateLimiterFor: (source, connector) => {
        const spec = connector.manifest.rateLimit;
        if (!spec) return unlimited;
        const account = `${connector.manifest.name}:${source.ownerId}`;
        let limiter = limiters.get(account);
        if (!limiter) {
          limiter = redis ? createRedisRateLimiter({ redis, account, spec }) : createTokenBucket(spec);
          limiters.set(account, limiter);
        }
        return limiter;
      },
      log: options.log,
      onEvent: options.onEvent,
      leaseTtlMs: tuning.syncLeaseMs,
    });
    // Webhook bursts settle for 1.5 s (at most 10 s) before their sync, so new messages show up within seconds.
    const scheduler = createScheduler({
      sources: storeSourcePort(store),
      queue,
      policy: { webhookDebounceMs: 1500, webhookMaxWaitMs: 10_000 },
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
      async close() {
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
  };
}
