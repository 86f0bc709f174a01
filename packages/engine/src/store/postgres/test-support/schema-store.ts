import { afterEach } from 'vitest';
import { createPostgresStore } from '../index.js';

// The machine's real PostgreSQL; tests that need a private one start pglite-server.ts instead.
export const PG_URL = process.env.TRIBUTARY_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

type PostgresStore = ReturnType<typeof createPostgresStore>;

/**
 * One schema per test file (`<prefix>_<pid>`, so parallel runs never meet): `open()` creates and migrates a store
 * in it, and the schema is dropped with the store after each test.
 */
export function schemaStore(prefix: string): { schema: string; open: () => Promise<PostgresStore> } {
  const schema = `${prefix}_${process.pid}`;
  let store: PostgresStore | undefined;
  afterEach(async () => {
    await store?.pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await store?.close();
    store = undefined;
  });
  return {
    schema,
    open: async () => {
      store = createPostgresStore({ connectionString: PG_URL, schema, maxConnections: 2 });
      await store.migrate();
      return store;
    },
  };
}
