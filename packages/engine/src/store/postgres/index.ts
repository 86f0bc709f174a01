import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { loadPg } from '../../lazy-require.js';
import { TributaryError, type Logger } from '@tributary/sdk';
import type { MemoryStore, MigrationStatus } from '../types.js';
import { createPgAdmin } from './admin.js';
import { getStatePg, listStatePg } from './connector-state.js';
import { connect, transaction, withPgErrors } from './db.js';
import { LATEST_PG_VERSION, PG_MIGRATIONS } from './migrations.js';
import { createPgReads } from './reads.js';
import { createPgSearch } from './search.js';
import { createPgTrust } from './trust.js';
import { createPgRegistry } from './registry.js';
import { setEnrichmentPg } from './enrichment.js';
import { eraseMemoriesPg } from './erase.js';
import { createPgVectorIndex, detectPgvector, PGVECTOR_UNKNOWN, type PgVectorOptions } from './vectors.js';
import { createPgEmbeddingQueue } from './vectors-queue.js';
import { createPgSearchCount } from './search-count.js';
import type { VectorStore } from '../vector-queue.js';
import { commitPagePg, encodeItemsPg, type HashHint } from './write-path.js';
import { lookupFingerprintsPg } from './fingerprints.js';

export interface PostgresStoreOptions {
  /** `postgres://user@host:port/db` (TRIBUTARY_DATABASE_URL). */
  connectionString: string;
  /** A schema to live in (created if missing). @default public */
  schema?: string;
  /** Pool size. @default 10 */
  maxConnections?: number;
  now?: () => Date;
  /**
   * The embedder's vector length, when one is configured: then `migrate()` logs once whether pgvector is available
   * (and why not). Vectors live in per-model tables made by the vector index (vectors.ts), whatever this says.
   */
  vectorDimensions?: number;
  /** pgvector search tuning (when unfiltered searches walk the HNSW index). */
  vectors?: PgVectorOptions;
  /** Receives the one start-up line about vector support. */
  logger?: Logger;
}

/** Core versions only: versions from 1000 were optional features (1001: the pgvector column, dropped by migration 9). */
const CORE_VERSION_SQL = 'SELECT max(version) AS v FROM schema_migrations WHERE version < 1000';

/** Bulk-committed items after which flushIndex refreshes the planner's statistics (ANALYZE samples, ~1 s at 1M). */
const ANALYZE_AFTER_ROWS = 10_000;

const MIGRATION_LOCK = 7_262_001; // pg_advisory_xact_lock key: one migrator at a time across processes

/**
 * The distributed store on PostgreSQL (`pg`, pooled): the same schema and semantics as SQLite, passing the same
 * contract suite. Full text with tsvector + GIN; one transaction per page.
 */
export function createPostgresStore(
  options: PostgresStoreOptions,
): MemoryStore & VectorStore & { readonly pool: pg.Pool } {
  const schema = options.schema ?? 'public';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema))
    throw new TributaryError('invalid_config', `Invalid PostgreSQL schema name "${schema}".`);
  const pool = new (loadPg().Pool)({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 10,
    options: `-c search_path=${schema}`,
  });
  // A client losing its connection (server restart) must not crash the process: pg emits 'error' on the pool for
  // idle clients and on the client itself for checked-out ones. The failed query rejects (mapped to
  // `store_unavailable` by withPgErrors); the next one reconnects.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  const clock = options.now ?? (() => new Date());
  const now = (): string => clock().toISOString();
  const admin = createPgAdmin(pool, now, () => clock().getTime());
  const trust = createPgTrust(pool);
  const reads = createPgReads(pool);
  let pgvector = PGVECTOR_UNKNOWN;
  let vectorsLogged = false;
  // Items committed with deferIndex (a bulk backfill) since the last ANALYZE this process ran (see flushIndex).
  let bulkRows = 0;
  // Whether the last commit hashed chunks (embeddings on): pages encoded ahead of their commit follow it.
  const hashHint: HashHint = { hashing: false };
  const search = createPgSearch(pool);

  const status = async (): Promise<MigrationStatus> => {
    const exists = (await pool.query(`SELECT to_regclass('schema_migrations') IS NOT NULL AS ok`)).rows[0].ok;
    const current = exists ? ((await pool.query(CORE_VERSION_SQL)).rows[0].v ?? 0) : 0;
    return { current: Number(current), latest: LATEST_PG_VERSION };
  };

  // Driver errors are mapped once, here at the store boundary (connection loss → retryable store_unavailable).
  return withPgErrors({
    kind: 'postgres',
    connectorRegistry: createPgRegistry(pool, now),
    pool,
    async migrate() {
      const client = await connect(pool);
      try {
        await client.query('BEGIN');
        await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
        await client.query(
          `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`,
        );
        const current = Number((await client.query(CORE_VERSION_SQL)).rows[0].v ?? 0);
        for (const m of PG_MIGRATIONS) {
          if (m.version <= current) continue;
          await client.query(m.sql);
          await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
            m.version,
            m.name,
            now(),
          ]);
        }
        pgvector = await detectPgvector(client);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
      if (options.vectorDimensions !== undefined && !vectorsLogged) {
        vectorsLogged = true;
        if (pgvector.enabled) options.logger?.info(`vector search on: ${pgvector.reason}`);
        else options.logger?.warn(`vector search off: ${pgvector.reason}`);
      }
      return status();
    },
    vectorSupport: () => ({ enabled: pgvector.enabled, reason: pgvector.reason }),
    vectorIndex: createPgVectorIndex(pool, () => pgvector, now, options.vectors),
    embeddingQueue: createPgEmbeddingQueue(pool),
    countMatches: createPgSearchCount(pool),
    migrationStatus: status,
    async ping() {
      try {
        await pool.query('SELECT 1');
      } catch (err) {
        throw new TributaryError('store_unavailable', `PostgreSQL is not reachable: ${(err as Error).message}`, {
          cause: err,
        });
      }
    },
    async close() {
      await pool.end();
    },

    createSource: (input) => admin.createSource({ ...input, id: input.id ?? randomUUID() }),
    getSource: admin.getSource,
    getSourceByName: admin.getSourceByName,
    listSources: admin.listSources,
    updateSource: admin.updateSource,
    deleteSource: admin.deleteSource,
    purgeSourceData: admin.purgeSourceData,
    getCheckpoint: admin.getCheckpoint,
    setCheckpoint: admin.setCheckpoint,

    startRun: admin.startRun,
    heartbeatRun: admin.heartbeatRun,
    finishRun: admin.finishRun,
    getRun: admin.getRun,
    listRuns: admin.listRuns,
    findStaleRuns: admin.findStaleRuns,

    lookupFingerprints: (sourceId, externalIds) => lookupFingerprintsPg(pool, sourceId, externalIds),
    encodeItems: (items) => encodeItemsPg(items, hashHint.hashing),
    async commitPage(input) {
      const result = await transaction(pool, (tx) => commitPagePg(tx, input, now(), hashHint));
      if (input.deferIndex) bulkRows += input.items.length;
      return result;
    },
    async tombstoneUnseen(sourceId, runId) {
      let total = 0;
      for (;;) {
        const n = await transaction(pool, async (tx) => {
          const gone = await tx.query<{ id: string }>(
            `UPDATE memories SET deleted_at = $3, updated_at = $3 WHERE id IN (
               SELECT id FROM memories WHERE source_id = $1 AND deleted_at IS NULL AND (seen_run IS NULL OR seen_run <> $2) LIMIT 1000
             ) RETURNING id`,
            [sourceId, runId, now()],
          );
          if (gone.rows.length)
            await tx.query('DELETE FROM chunks WHERE memory_id = ANY($1::bigint[])', [gone.rows.map((r) => r.id)]);
          return gone.rows.length;
        });
        total += n;
        if (!n) return total;
      }
    },

    // The tsvector is a generated column in the same row: a committed page is searchable at once, nothing to flush.
    // After a bulk backfill, fresh statistics: the search plans a very common word's capped ranking from the
    // column's most common words (search.ts), and a server may run with autovacuum off or behind.
    async flushIndex() {
      if (bulkRows < ANALYZE_AFTER_ROWS) return;
      bulkRows = 0;
      await pool.query('ANALYZE chunks');
      await pool.query('ANALYZE memories');
    },

    getConnectorState: (sourceId, keys) => getStatePg(pool, sourceId, keys),
    listConnectorState: (sourceId, opts) => listStatePg(pool, sourceId, opts),

    getMemory: reads.getMemory,
    getMemoryByExternalId: reads.getMemoryByExternalId,
    countMemories: reads.countMemories,
    exportMemories: reads.exportMemories,
    search: search.search,
    timeline: search.timeline,
    sourceStats: reads.sourceStats,

    acquireLease: admin.acquireLease,
    renewLease: admin.renewLease,
    releaseLease: admin.releaseLease,
    getLease: admin.getLease,

    createUser: admin.createUser,
    getUser: admin.getUser,
    listUsers: admin.listUsers,
    setUserAllowedRoots: trust.setUserAllowedRoots,
    usage: trust.usage,
    setEnrichment: (updates) => setEnrichmentPg(pool, updates),
    eraseMemories: (ids) => eraseMemoriesPg(pool, ids, now()),
    createToken: admin.createToken,
    findTokenByHash: admin.findTokenByHash,
    listTokens: admin.listTokens,
    touchToken: admin.touchToken,
    revokeToken: admin.revokeToken,

    putCredential: admin.putCredential,
    getCredential: admin.getCredential,
    listCredentials: admin.listCredentials,
    deleteCredential: admin.deleteCredential,

    kvPutIfAbsent: admin.kvPutIfAbsent,
    kvPut: admin.kvPut,
    kvGet: admin.kvGet as MemoryStore['kvGet'],
    kvTake: admin.kvTake as MemoryStore['kvTake'],
    kvDelete: admin.kvDelete,
  });
}
