import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineConnector, z } from '@tributary/sdk';
import { createEngine } from '../engine/create-engine.js';
import { createTestEngine } from '../engine/test-support/harness.js';
import { createPostgresStore } from '../store/postgres/index.js';
import { startPgliteServer } from '../store/postgres/test-support/pglite-server.js';
import { createHttpEmbedder } from './http-embedder.js';
import { startEmbeddingsTwin, type EmbeddingsTwin } from './test-support/embeddings-twin.js';

/** Three notes whose words never overlap with the queries below: only meaning (the twin's vectors) links them. */
const notes = defineConnector({
  manifest: {
    name: 'notes',
    version: '1.0.0',
    sdk: '^1.0.0',
    title: 'Notes',
    description: 'three fixed notes',
    auth: { type: 'none' },
    config: z.object({}),
    checkpoint: z.object({ done: z.boolean() }),
    streams: ['notes'],
  },
  check: async () => ({ ok: true, message: 'ok' }),
  async *read(ctx) {
    if (ctx.checkpoint?.done) return;
    yield {
      items: [
        { externalId: 'tires', stream: 'notes', title: 'Garage', content: 'My automobile needs new tires soon' },
        { externalId: 'market', stream: 'notes', content: 'Bought a banana at the market today' },
        { externalId: 'forecast', stream: 'notes', content: 'Heavy rain expected over the weekend' },
      ],
      checkpoint: { done: true },
    };
  },
});

let twin: EmbeddingsTwin;
let server: Awaited<ReturnType<typeof startPgliteServer>>;
beforeAll(async () => {
  twin = await startEmbeddingsTwin();
  server = await startPgliteServer();
});
afterAll(async () => {
  await twin?.close();
  await server?.close();
});

describe('engine with an embedder', () => {
  it('on PostgreSQL with pgvector: a sync stores embeddings and search finds by meaning', async () => {
    const store = createPostgresStore({ connectionString: server.url, vectorDimensions: 3, maxConnections: 1 });
    await store.migrate();
    const embedder = createHttpEmbedder({ url: twin.url, model: 'twin', dimensions: 3 });
    const engine = createEngine({ store, connectors: [notes], embedder });
    try {
      const source = await engine.sources.add({ connector: 'notes', name: 'n' });
      const run = await engine.sync(source.id);
      expect(run).toMatchObject({ status: 'succeeded', created: 3 });
      const stored = await store.pool.query(`SELECT count(*)::int AS n FROM chunks WHERE embedding IS NOT NULL`);
      expect(stored.rows[0].n).toBe(3);
      // The title is embedded with the first chunk.
      expect(twin.requests.flatMap((r) => r.input)).toContain('Garage\n\nMy automobile needs new tires soon');

      expect((await engine.search({ text: 'car' })).hits[0]?.externalId).toBe('tires');
      expect((await engine.search({ text: 'storm' })).hits[0]?.externalId).toBe('forecast');
      expect((await engine.search({ text: 'fruit' })).hits[0]?.externalId).toBe('market');
      // Full text still counts: an exact word finds its note first.
      expect((await engine.search({ text: 'weekend' })).hits[0]?.externalId).toBe('forecast');
      // The embeddings server failing at query time degrades to full text, it does not fail the search.
      twin.failNext({ status: 401 });
      expect((await engine.search({ text: 'automobile' })).hits.map((h) => h.externalId)).toEqual(['tires']);
      twin.failNext({ status: 401 });
      expect((await engine.search({ text: 'car' })).hits).toEqual([]);

      await engine.ingest(source.id, {
        items: [{ externalId: 'pushed', stream: 'notes', content: 'The truck is in the shop' }],
      });
      const pushed = await store.pool.query(
        `SELECT count(*)::int AS n FROM chunks c JOIN memories m ON m.id = c.memory_id WHERE m.external_id = 'pushed' AND c.embedding IS NOT NULL`,
      );
      expect(pushed.rows[0].n).toBe(1);
    } finally {
      await engine.close();
    }
  });

  it('a non-retryable embedding failure fails the run with the reason, nothing half-written', async () => {
    await server.close();
    server = await startPgliteServer();
    const store = createPostgresStore({ connectionString: server.url, vectorDimensions: 3, maxConnections: 1 });
    await store.migrate();
    const embedder = createHttpEmbedder({ url: twin.url, model: 'twin', dimensions: 3 });
    const engine = createEngine({ store, connectors: [notes], embedder, runRetries: 0 });
    try {
      const source = await engine.sources.add({ connector: 'notes', name: 'n' });
      twin.failNext({ status: 401, body: '{"error":{"message":"invalid api key"}}' });
      await expect(engine.sync(source.id)).rejects.toMatchObject({ code: 'auth_invalid' });
      const [run] = await engine.runs({ sourceId: source.id });
      expect(run).toMatchObject({ status: 'failed', errorCode: 'auth_invalid' });
      expect(run!.error).toContain('Embedding with "twin" failed');
      expect(await store.countMemories({ sourceId: source.id })).toBe(0);
    } finally {
      await engine.close();
    }
  });

  it('on SQLite (no vectors) the embedder is never called and search is full text', async () => {
    const before = twin.requests.length;
    const embedder = createHttpEmbedder({ url: twin.url, model: 'twin', dimensions: 3 });
    const t = await createTestEngine([notes], { embedder });
    try {
      const source = await t.engine.sources.add({ connector: 'notes', name: 'n' });
      expect(await t.engine.sync(source.id)).toMatchObject({ status: 'succeeded', created: 3 });
      expect((await t.engine.search({ text: 'car' })).hits).toEqual([]);
      expect((await t.engine.search({ text: 'automobile' })).hits[0]?.externalId).toBe('tires');
      expect(twin.requests.length).toBe(before);
    } finally {
      await t.cleanup();
    }
  });
});
