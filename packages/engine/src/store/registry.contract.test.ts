import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeEach, describe } from 'vitest';
import { registryContract } from './registry.contract.js';
import { createSqliteStore } from './sqlite/index.js';
import { createPostgresStore } from './postgres/index.js';
import type { MemoryStore } from './types.js';

/** The registry port on both adapters: SQLite in a temp dir, real PostgreSQL in a schema of its own per test. */
const PG_URL = process.env.TRIBUTARY_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-registry-'));
const admin = new pg.Pool({ connectionString: PG_URL, max: 1 });
const schemas: string[] = [];
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  await admin.end();
});

function suite(name: string, open: () => Promise<MemoryStore>): void {
  describe(name, () => {
    let store: MemoryStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => store.close());
    registryContract(() => store);
  });
}

let n = 0;
suite('sqlite', async () => {
  const store = createSqliteStore({ path: path.join(dir, `r-${n++}.db`) });
  await store.migrate();
  return store;
});
suite('postgres', async () => {
  const schema = `reg_${process.pid}_${schemas.length}_${Math.random().toString(36).slice(2, 8)}`;
  schemas.push(schema);
  const store = createPostgresStore({ connectionString: PG_URL, schema, maxConnections: 2 });
  await store.migrate();
  return store;
});
