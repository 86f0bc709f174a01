import { afterAll, beforeAll } from 'vitest';
import { vectorContract } from '../vector.contract.js';
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
