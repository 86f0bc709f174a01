import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPipeline } from '../../pipeline/prepare.js';
import type { PreparedItem } from '../types.js';
import { createPostgresStore } from './index.js';
import { startPgliteServer } from './test-support/pglite-server.js';

/** pgvector's SQL through `pg`, against real PostgreSQL (PGlite, WASM) with the extension, on a random port. */
let server: Awaited<ReturnType<typeof startPgliteServer>>;
let store: ReturnType<typeof createPostgresStore>;
let sourceId: string;
const pipeline = createPipeline();

function item(externalId: string, content: string, embedding: number[], stream = 'notes'): PreparedItem {
  const prepared = pipeline.prepare({ externalId, stream, content }, `fp-${externalId}-${content}`) as PreparedItem;
  prepared.chunks = prepared.chunks.map((c) => ({ ...c, embedding }));
  return prepared;
}

const commit = (items: PreparedItem[], deletes: string[] = []) =>
  store.commitPage({ sourceId, runId: null, items, deletes, checkpoint: undefined });

beforeAll(async () => {
  server = await startPgliteServer();
  store = createPostgresStore({ connectionString: server.url, vectorDimensions: 3, maxConnections: 1 });
  await store.migrate();
  sourceId = (await store.createSource({ ownerId: 'local', sourceType: 'test', name: 'vec', config: {} })).id;
});
afterAll(async () => {
  await store?.close();
  await server?.close();
});

describe('PostgreSQL store with pgvector (PGlite)', () => {
  it('migrates the vector column and HNSW index as version 1001, idempotently, outside the core sequence', async () => {
    expect(store.vectorSupport!()).toMatchObject({ enabled: true });
    expect(store.vectorSupport!().reason).toContain('vector(3)');
    const again = await store.migrate();
    expect(again.current).toBe(again.latest);
    const { rows } = await store.pool.query(`SELECT version, name FROM schema_migrations ORDER BY version`);
    expect(rows.filter((r) => r.version === 1001)).toEqual([{ version: 1001, name: 'pgvector' }]);
    const idx = await store.pool.query(`SELECT indexdef FROM pg_indexes WHERE indexname = 'chunks_embedding'`);
    expect(idx.rows[0].indexdef).toMatch(/hnsw.*vector_cosine_ops/);
  });

  it('stores embeddings and ranks the nearest memory first, by vector alone and hybrid', async () => {
    await commit([
      item('car', 'shared note about the blue sedan', [1, 0, 0]),
      item('fruit', 'shared note about lunch', [0, 1, 0]),
      item('weather', 'shared note about tomorrow', [0, 0, 1]),
    ]);
    const stored = await store.pool.query(`SELECT count(*)::int AS n FROM chunks WHERE embedding IS NOT NULL`);
    expect(stored.rows[0].n).toBe(3);
    // No word matches: only the vector side can find it.
    const byMeaning = await store.search({ text: 'automobile', vector: [0.9, 0.1, 0] });
    expect(byMeaning.hits[0]?.externalId).toBe('car');
    expect(byMeaning.hits[0]?.snippet).toContain('sedan');
    // Every memory matches the words equally; the vector decides the order.
    const hybrid = await store.search({ text: 'shared note', vector: [0.1, 0.1, 0.9] });
    expect(hybrid.hits.map((h) => h.externalId)).toEqual(['weather', expect.any(String), expect.any(String)]);
    expect(hybrid.hits[0]!.snippet).toContain('<mark>');
    // Without a vector the same store answers full text only.
    expect((await store.search({ text: 'automobile' })).hits).toEqual([]);
  });

  it('applies filters to the vector side and never returns a tombstone', async () => {
    await commit([item('truck', 'a vehicle log entry', [0.95, 0, 0.05], 'logs')]);
    const logsOnly = await store.search({ text: 'automobile', vector: [1, 0, 0], streams: ['logs'] });
    expect(logsOnly.hits.map((h) => h.externalId)).toEqual(['truck']);
    await commit([], ['car']);
    const after = await store.search({ text: 'automobile', vector: [1, 0, 0], limit: 50 });
    expect(after.hits.map((h) => h.externalId)).not.toContain('car');
    expect(after.hits[0]?.externalId).toBe('truck');
  });

  it('an edit replaces the embedding; a wrong-length embedding is refused and nothing changes', async () => {
    await commit([item('fruit', 'shared note about the storm', [0, 0.1, 1])]);
    const hits = (await store.search({ text: 'zzz', vector: [0, 0.1, 1], limit: 1 })).hits;
    expect(hits[0]?.externalId).toBe('fruit');
    await expect(commit([item('bad', 'three dims only', [1, 0])])).rejects.toMatchObject({ code: 'invalid_input' });
    expect(await store.getMemoryByExternalId(sourceId, 'bad')).toBeNull();
  });
});
