import { afterEach, describe, expect, it } from 'vitest';
import { createPostgresStore } from './index.js';

// The machine's real PostgreSQL, one schema per test.
const PG_URL = process.env.TRIBUTARY_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const schema = `thi_${process.pid}`;
let store: ReturnType<typeof createPostgresStore> | undefined;
afterEach(async () => {
  await store?.pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await store?.close();
});

const hasIndex = async (s: ReturnType<typeof createPostgresStore>): Promise<boolean> =>
  (await s.pool.query(`SELECT 1 FROM pg_indexes WHERE schemaname = $1 AND indexname = 'chunks_content_hash'`, [schema]))
    .rows.length === 1;

describe('chunk-hash index on PostgreSQL (migration 8)', () => {
  it('a keyword-only store has none; enabling embeddings builds it once', async () => {
    store = createPostgresStore({ connectionString: PG_URL, schema, maxConnections: 2 });
    await store.migrate();
    expect(await hasIndex(store)).toBe(false);
    await store.embeddingQueue.enable();
    expect(await hasIndex(store)).toBe(true);
    await store.embeddingQueue.enable(); // already there: no error, still one index
    expect(await hasIndex(store)).toBe(true);
  });
});
