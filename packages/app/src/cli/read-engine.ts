import path from 'node:path';
import type { AnyConnector } from '@tributary/sdk';
import type { Embedder, Engine, KvStore } from '@tributary/engine';
import type { QdrantVectorOptions } from '@tributary/engine/store/qdrant/index';

/**
 * The embedded store and the engine facade over it, for a command that only reads: what `search` needs (the
 * embedder and Qdrant exactly as the runtime picks them), without the runtime's queue, vault, OAuth, scheduler and
 * sync threads (their modules cost a third of a second to load) and without its start-up writes: runs of dead
 * processes are marked aborted only when `recoverDeadRuns` asks (reports of runs), else by the next command that
 * writes. The connectors are whatever the command loaded (none for these commands): reading runs none.
 */
export async function openReadEngine(
  dataDir: string,
  env: Record<string, string | undefined>,
  connectors: AnyConnector[],
  recoverDeadRuns: boolean,
): Promise<Engine> {
  // Module paths, not the engine's index: the index loads the PostgreSQL store, the queues and the workers too.
  const [{ createSqliteStore }, { createEngine }, { migrationProgressReporter }] = await Promise.all([
    import('@tributary/engine/store/sqlite/index'),
    import('@tributary/engine/engine/create-engine'),
    import('../runtime/migration-progress.js'),
  ]);
  // Unset, TRIBUTARY_VECTOR_ANN_MIN means the store's default ({}): its parser is loaded only to read a value.
  const vectors = env.TRIBUTARY_VECTOR_ANN_MIN?.trim()
    ? (await import('../runtime/vector-ann-env.js')).sqliteVectorOptions(env)
    : {};
  let store = createSqliteStore({
    path: path.join(dataDir, 'tributary.db'),
    // A read command lives for one query: its pages come mapped from the OS cache, not copied (SqliteStoreOptions).
    mmapMb: READ_MMAP_MB,
    vectors,
    onMigrationProgress: migrationProgressReporter({ stderr: process.stderr }),
  });
  try {
    // A no-op on a current database; a data dir from an older version is brought up to date, as any command does.
    await store.migrate();
    if (recoverDeadRuns) await (await import('@tributary/engine/worker/dead-runs')).abortDeadRuns({ store });
    const embedder = await readEmbedder(env, store);
    const qdrant = await readQdrant(env, store);
    if (qdrant) {
      const [{ createQdrantVectorIndex }, { withVectorIndex }] = await Promise.all([
        import('@tributary/engine/store/qdrant/index'),
        import('@tributary/engine/store/qdrant/with-index'),
      ]);
      store = withVectorIndex(store, createQdrantVectorIndex(qdrant), `qdrant at ${qdrant.url}`);
    }
    return createEngine({ store, connectors, ...(embedder ? { embedder } : {}), env });
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
}

/**
 * The embedder exactly as the runtime picks it (the environment, else the saved settings), loading the embedding
 * modules (~40 ms of CPU) only when either configures one: a keyword-only install never pays for them.
 */
async function readEmbedder(
  env: Record<string, string | undefined>,
  store: Pick<KvStore, 'kvGet'>,
): Promise<Embedder | undefined> {
  const inEnv = Object.entries(env).some(([k, v]) => k.startsWith('TRIBUTARY_EMBEDDINGS_') && v?.trim());
  if (!inEnv && (await store.kvGet(EMBEDDINGS_SETTINGS[0], EMBEDDINGS_SETTINGS[1])) == null) return undefined;
  const [{ embedderFromEnv }, { embedderFromSettings }] = await Promise.all([
    import('@tributary/engine/embedding/embedder'),
    import('@tributary/engine/embedding/settings'),
  ]);
  return embedderFromEnv(env) ?? (await embedderFromSettings(env, store));
}

/**
 * Qdrant exactly as the runtime picks it (`TRIBUTARY_QDRANT_URL`, else the saved settings), loading the settings
 * module (its zod schema, ~150 ms of CPU with the SDK's index) only when the environment or the store names one.
 */
async function readQdrant(
  env: Record<string, string | undefined>,
  store: Pick<KvStore, 'kvGet'>,
): Promise<QdrantVectorOptions | undefined> {
  const inEnv = Boolean(env.TRIBUTARY_QDRANT_URL?.trim());
  if (!inEnv && (await store.kvGet(QDRANT_SETTINGS[0], QDRANT_SETTINGS[1])) == null) return undefined;
  const { resolveQdrant } = await import('../runtime/qdrant-settings.js');
  return resolveQdrant(env, store);
}

/** How much of the database file a read command maps (address space, not memory: pages load as they are read). */
const READ_MMAP_MB = 1024;

/** Where the saved Qdrant settings live (runtime/qdrant-settings.ts). */
const QDRANT_SETTINGS = ['settings', 'qdrant'] as const;

/** Where the saved embeddings settings live (engine/embedding/settings.ts; read-commands.test.ts fails if not). */
const EMBEDDINGS_SETTINGS = ['settings', 'embeddings'] as const;
