import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededVectors, vectorContract } from '../vector.contract.js';
import { vectorQueueContract } from '../vector-queue.contract.js';
import { createPostgresStore } from './index.js';
import { startPgliteServer } from './test-support/pglite-server.js';

/**
 * pgvector's SQL through `pg`, against real PostgreSQL (PGlite, WASM) with the extension: Debian's PostgreSQL here
 * has no pgvector. One server and store; every test starts from an index with no model (all dropped).
 */
let server: Awaited<ReturnType<typeof startPgliteServer>>;
let store: ReturnType<typeof createPostgresStore>;
beforeAll(async () => {
  server = await startPgliteServer();
  store = createPostgresStore({ connectionString: server.url, maxConnections: 1 });
  await store.migrate();
});
afterAll(async () => {
  await store?.close();
  await server?.close();
});

vectorContract('pgvector', async () => {
  for (const m of await store.vectorIndex!.models()) await store.vectorIndex!.dropModel(m.id);
  return { index: store.vectorIndex!, close: async () => undefined };
});

// The backlog on the machine's real PostgreSQL (no pgvector needed): one schema per test.
const PG_URL = process.env.TRIBUTARY_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
let q = 0;
vectorQueueContract('postgres', async () => {
  const schema = `tvq_${process.pid}_${++q}`;
  const s = createPostgresStore({ connectionString: PG_URL, schema, maxConnections: 2 });
  await s.migrate();
  const close = s.close.bind(s);
  return Object.assign(s, {
    async close() {
      await s.pool.query(`DROP SCHEMA ${schema} CASCADE`);
      await close();
    },
  });
});

describe('pgvector HNSW path', () => {
  it('walks the HNSW index for large unfiltered searches and agrees with the exact scan', async () => {
    // Its own server: PGlite serves one connection, which the contract's store holds.
    const own = await startPgliteServer();
    const hnsw = createPostgresStore({ connectionString: own.url, maxConnections: 1, vectors: { annMin: 50 } });
    await hnsw.migrate();
    const index = hnsw.vectorIndex!;
    try {
      await index.ensureModel({ id: 'h', dimensions: 8 });
      const vectors = seededVectors(300, 8, 11);
      await index.upsert(
        'h',
        vectors.map((vector, i) => ({ hash: `h${i}`, vector, scopes: [{ ownerId: 'o', sourceId: 's' }] })),
      );
      const plan = await hnsw.pool.query(
        `EXPLAIN SELECT point_id FROM vec_m1 ORDER BY embedding <=> '[1,0,0,0,0,0,0,0]' LIMIT 5`,
      );
      expect(JSON.stringify(plan.rows)).toContain('vec_m1_hnsw');
      let agree = 0;
      for (const vector of seededVectors(5, 8, 12)) {
        const exact = new Set((await index.search('h', { vector, k: 10, exact: true })).map((m) => m.hash));
        agree += (await index.search('h', { vector, k: 10 })).filter((m) => exact.has(m.hash)).length;
      }
      expect(agree / 50).toBeGreaterThanOrEqual(0.9);
    } finally {
      await hnsw.close();
      await own.close();
    }
  });
});
