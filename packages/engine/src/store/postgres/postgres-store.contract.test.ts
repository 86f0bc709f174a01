import pg from 'pg';
import { afterAll } from 'vitest';
import { storeContract } from '../store.contract.js';
import { createPostgresStore } from './index.js';

/** Real PostgreSQL on loopback (CI starts it); each test gets its own schema, dropped afterwards. */
export const PG_URL = process.env.TRIBUTARY_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const admin = new pg.Pool({ connectionString: PG_URL, max: 2 });
const schemas: string[] = [];
afterAll(async () => {
  for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  await admin.end();
});

storeContract('postgres', async () => {
  const schema = `t_${process.pid}_${schemas.length}_${Math.random().toString(36).slice(2, 8)}`;
  schemas.push(schema);
  const store = createPostgresStore({ connectionString: PG_URL, schema, maxConnections: 4 });
  await store.migrate();
  return store;
});
