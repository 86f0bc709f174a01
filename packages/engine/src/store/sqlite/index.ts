import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Checkpoint } from '@tributary/sdk';
import { TributaryError } from '@tributary/sdk/errors';
import type { MemoryStore, MigrationStatus } from '../types.js';
import { LATEST_SQLITE_VERSION, SQLITE_MIGRATIONS } from './migrations.js';
import { createAdmin } from './admin.js';
import { createPurge, resumeMergingLeftPaused } from './purge.js';
import { createConnectorState } from './connector-state.js';
import { createSqliteRegistry } from './registry.js';
import type { ConnectorRegistryPort } from '../registry.js';
import { createReads } from './reads.js';
import { createSearch } from './search.js';
import { createWritePath } from './write-path.js';
import { createTrust } from './trust.js';
import { createEnrichment } from './enrichment.js';
import { createErase } from './erase.js';
import { createFtsBacklog, type FtsBacklogOptions } from './fts-backlog.js';
import { secureDatabaseFiles } from './file-mode.js';
import { loadNativeRanking } from './native-ranking.js';
import { createSqliteVectorIndex, loadSqliteVec, type SqliteVectorOptions } from './vectors.js';
import { createSqliteEmbeddingQueue } from './vectors-queue.js';
import { createSqliteSearchCount } from './search-count.js';
import { lazyPort, type VectorStore } from '../vector-queue.js';
import { lazyParts } from './lazy-parts.js';
import type { VectorIndex } from '../vector-port.js';

export interface SqliteStoreOptions {
  /** The database file (created with its folder), or ':memory:'. */
  path: string;
  /** Injected for tests. */
  now?: () => Date;
  /** SQLite page cache in MiB. @default 64 */
  cacheMb?: number;
  /**
   * Memory-mapped reads, in MiB of the file (PRAGMA mmap_size; 0: off). A short-lived reader (a CLI search) then reads
   * pages straight from the operating system's cache instead of copying each one into SQLite's empty page cache:
   * the Maildir bench's search of "sparse" spent 34–46 ms in SQLite without, 28–29 ms with (issue 13). Writes go
   * through the file as always. @default 0
   */
  mmapMb?: number;
  /**
   * Rank keyword matches with the tribm25() extension when built (native-ranking.ts); false: SQLite's bm25().
   * @default true unless TRIBUTARY_NATIVE_RANKING=0
   */
  nativeRanking?: boolean;
  /** Deferred full-text indexing of bulk backfills (merge size, when a left-over backlog counts as abandoned). */
  ftsBacklog?: FtsBacklogOptions;
  /** sqlite-vec search tuning (when the approximate path starts, its oversampling). */
  vectors?: SqliteVectorOptions;
  /**
   * Called as a migration that converts data in code advances (migration 9 rewrites every memory: minutes at 1M
   * items), synchronously from inside `migrate()`, which blocks the thread meanwhile.
   */
  onMigrationProgress?: (progress: { version: number; name: string; done: number; total: number }) => void;
}

/**
 * The embedded store: one SQLite file in WAL mode (readers never block the writer), FTS5 for search.
 * better-sqlite3 is synchronous; the async port lets PostgreSQL share one interface.
 */
export function createSqliteStore(
  options: SqliteStoreOptions,
): MemoryStore & VectorStore & { readonly db: Database.Database; readonly vectorIndex: VectorIndex } {
  if (options.path !== ':memory:') mkdirSync(path.dirname(path.resolve(options.path)), { recursive: true });
  let db: Database.Database;
  try {
    secureDatabaseFiles(options.path);
    db = new Database(options.path);
  } catch (err) {
    throw new TributaryError(
      'store_unavailable',
      `Cannot open the database file ${options.path}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  db.pragma('journal_mode = WAL');
  secureDatabaseFiles(options.path); // the WAL and SHM now exist: owner-only whatever the umask
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 10000');
  db.pragma(`cache_size = -${(options.cacheMb ?? 64) * 1024}`);
  db.pragma('temp_store = MEMORY');
  if (options.mmapMb) db.pragma(`mmap_size = ${Math.floor(options.mmapMb) * 1024 * 1024}`);
  loadSqliteVec(db);
  loadNativeRanking(db, options.nativeRanking);

  const clock = options.now ?? (() => new Date());
  const now = (): string => clock().toISOString();

  db.exec(
    `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`,
  );
  const currentVersion = (): number =>
    (db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0;

  let prepared: ReturnType<typeof prepare> | undefined;
  const prepare = () => {
    const backlog = createFtsBacklog(db, options.ftsBacklog);
    // A backlog left by a writer that died (kill -9 mid-backfill) is indexed before anything reads the store.
    backlog.recover(clock().getTime());
    // Full-text merging left paused by a purge that died (purge.ts).
    resumeMergingLeftPaused(db, clock().getTime());
    return lazyParts({
      write: () => createWritePath(db, now, backlog),
      search: () => createSearch(db),
      admin: () => createAdmin(db, now, () => clock().getTime()),
      purge: () => createPurge(db, () => clock().getTime()),
      reads: () => createReads(db),
      trust: () => createTrust(db),
      enrichment: () => createEnrichment(db),
      erase: () => createErase(db, now),
      state: () => createConnectorState(db),
      vectorIndex: () => createSqliteVectorIndex(db, now, options.vectors, options.path),
      embeddingQueue: () => createSqliteEmbeddingQueue(db),
      countMatches: () => createSqliteSearchCount(db),
      registry: () => createSqliteRegistry(db, now),
    });
  };
  const ready = (): ReturnType<typeof prepare> => {
    if (!prepared) {
      if (currentVersion() < LATEST_SQLITE_VERSION) {
        throw new TributaryError(
          'store_unavailable',
          'The database schema is not migrated; run `tributary init` (or call store.migrate()).',
        );
      }
      prepared = prepare();
    }
    return prepared;
  };

  const status = (): MigrationStatus => ({ current: currentVersion(), latest: LATEST_SQLITE_VERSION });

  return {
    kind: 'sqlite',
    db,
    vectorSupport: () => ({ enabled: true, reason: 'sqlite-vec: vectors in the database file (cosine)' }),
    vectorIndex: lazyPort(() => ready().vectorIndex),
    embeddingQueue: lazyPort(() => ready().embeddingQueue),
    countMatches: async (query, cap) => ready().countMatches(query, cap),
    async migrate() {
      const apply = db.transaction(() => {
        const current = currentVersion();
        for (const m of SQLITE_MIGRATIONS) {
          if (m.version <= current) continue;
          db.exec(m.sql);
          m.run?.(db, (done, total) =>
            options.onMigrationProgress?.({ version: m.version, name: m.name, done, total }),
          );
          db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
            m.version,
            m.name,
            now(),
          );
        }
      });
      apply.immediate();
      return status();
    },
    async migrationStatus() {
      return status();
    },
    async ping() {
      db.prepare('SELECT 1').get();
    },
    async close() {
      // The ANN graphs changed since their last save are written first (a missing save only costs a rebuild).
      try {
        if (prepared?.made('vectorIndex') && db.open) await prepared.vectorIndex.close();
      } finally {
        if (db.open) db.close();
      }
    },

    // Each call goes through ready(): statements exist only once the schema is migrated.
    connectorRegistry: new Proxy({} as ConnectorRegistryPort, {
      get: (_t, key: keyof ConnectorRegistryPort) => ready().registry[key],
    }),

    createSource: async (input) => ready().admin.createSource({ ...input, id: input.id ?? randomUUID() }),
    getSource: async (id) => ready().admin.getSource(id),
    getSourceByName: async (ownerId, name) => ready().admin.getSourceByName(ownerId, name),
    listSources: async (filter) => ready().admin.listSources(filter),
    updateSource: async (id, patch) => ready().admin.updateSource(id, patch),
    // In batches, with turns of the event loop between them (purge.ts).
    deleteSource: async (id) => ready().purge.deleteSource(id),
    purgeSourceData: async (id) => ready().purge.purgeSourceData(id),
    getCheckpoint: async (sourceId) => ready().admin.getCheckpoint(sourceId),
    setCheckpoint: async (sourceId: string, checkpoint: Checkpoint | null) =>
      ready().admin.setCheckpoint(sourceId, checkpoint),

    startRun: async (input) => ready().admin.startRun(input),
    heartbeatRun: async (runId) => ready().admin.heartbeatRun(runId),
    finishRun: async (runId, outcome) => ready().admin.finishRun(runId, outcome),
    getRun: async (runId) => ready().admin.getRun(runId),
    listRuns: async (filter) => ready().admin.listRuns(filter),
    findStaleRuns: async (cutoff) => ready().admin.findStaleRuns(cutoff),

    lookupFingerprints: async (sourceId, ids) => ready().write.lookupFingerprints(sourceId, ids),
    commitPage: async (input) => ready().write.commitPage(input),
    tombstoneUnseen: async (sourceId, runId) => ready().write.tombstoneUnseen(sourceId, runId),
    flushIndex: async () => ready().write.flushIndex(),

    getConnectorState: async (sourceId, keys) => ready().state.get(sourceId, keys),
    listConnectorState: async (sourceId, opts) => ready().state.list(sourceId, opts),

    getMemory: async (id, ownerId) => ready().reads.getMemory(id, ownerId),
    getMemoryByExternalId: async (sourceId, externalId) => ready().reads.getMemoryByExternalId(sourceId, externalId),
    countMemories: async (filter) => ready().reads.countMemories(filter),
    exportMemories: (sourceId, opts) => ready().reads.exportMemories(sourceId, opts),
    search: async (query) => ready().search.search(query),
    timeline: async (query) => ready().search.timeline(query),
    sourceStats: async (sourceId) => ready().reads.sourceStats(sourceId),

    acquireLease: async (key, holder, ttl) => ready().admin.acquireLease(key, holder, ttl),
    renewLease: async (key, holder, ttl) => ready().admin.renewLease(key, holder, ttl),
    releaseLease: async (key, holder) => ready().admin.releaseLease(key, holder),
    getLease: async (key) => ready().admin.getLease(key),

    createUser: async (input) => ready().admin.createUser(input),
    getUser: async (id) => ready().admin.getUser(id),
    listUsers: async () => ready().admin.listUsers(),
    setUserAllowedRoots: async (id, roots) => ready().trust.setUserAllowedRoots(id, roots),
    usage: async (filter) => ready().trust.usage(filter),
    setEnrichment: async (updates) => ready().enrichment.setEnrichment(updates),
    eraseMemories: async (ids) => ready().erase.eraseMemories(ids),
    createToken: async (input) => ready().admin.createToken(input),
    findTokenByHash: async (hash) => ready().admin.findTokenByHash(hash),
    listTokens: async (userId) => ready().admin.listTokens(userId),
    touchToken: async (id) => ready().admin.touchToken(id),
    revokeToken: async (id) => ready().admin.revokeToken(id),

    putCredential: async (envelope, expected) => ready().admin.putCredential(envelope, expected),
    getCredential: async (sourceId) => ready().admin.getCredential(sourceId),
    listCredentials: async () => ready().admin.listCredentials(),
    deleteCredential: async (sourceId) => ready().admin.deleteCredential(sourceId),

    kvPutIfAbsent: async (ns, key, value, ttl) => ready().admin.kvPutIfAbsent(ns, key, value, ttl),
    kvPut: async (ns, key, value, ttl) => ready().admin.kvPut(ns, key, value, ttl),
    kvGet: async <T>(ns: string, key: string) => ready().admin.kvGet(ns, key) as T | null,
    kvTake: async <T>(ns: string, key: string) => ready().admin.kvTake(ns, key) as T | null,
    kvDelete: async (ns, key) => ready().admin.kvDelete(ns, key),
  };
}
