import { afterAll, beforeAll } from 'vitest';
import { vectorContract } from '../vector.contract.js';
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
