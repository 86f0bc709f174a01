import { describe, expect, it } from 'vitest';
import type { createPostgresStore } from './index.js';
import { schemaStore } from './test-support/schema-store.js';

const { schema, open } = schemaStore('thi');

const hasIndex = async (s: ReturnType<typeof createPostgresStore>): Promise<boolean> =>
  (await s.pool.query(`SELECT 1 FROM pg_indexes WHERE schemaname = $1 AND indexname = 'chunks_content_hash'`, [schema]))
    .rows.length === 1;

describe('chunk-hash index on PostgreSQL (migration 8)', () => {
  it('a keyword-only store has none; enabling embeddings builds it once', async () => {
    const store = await open();
    expect(await hasIndex(store)).toBe(false);
    await store.embeddingQueue.enable();
    expect(await hasIndex(store)).toBe(true);
    await store.embeddingQueue.enable(); // already there: no error, still one index
    expect(await hasIndex(store)).toBe(true);
  });
});
