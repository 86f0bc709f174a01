import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineConnector, z, type Item } from '@tributary/sdk';
import { startOllamaTwin, type OllamaTwin } from '../../../../../test/twins/ollama/index.js';
import { createEngine } from '../../engine/create-engine.js';
import { createOllamaEmbedder } from '../../embedding/ollama-embedder.js';
import { createPostgresStore } from './index.js';
import { startPgliteServer } from './test-support/pglite-server.js';

/**
 * The distributed store's semantic and hybrid search end to end: pgvector's SQL through `pg` against real
 * PostgreSQL (PGlite, WASM, with the extension), embeddings from the Ollama twin over HTTP.
 */
const items: Item[] = [
  { externalId: 'car', stream: 'notes', content: 'car' },
  { externalId: 'club', stream: 'notes', content: 'automobile club invoice payment budget bill invoices paid' },
  { externalId: 'truck', stream: 'logs', content: 'the truck is in the garage' },
  { externalId: 'alps', stream: 'notes', content: 'hiking weekend in the Alps' },
];
const notes = defineConnector({
  manifest: {
    name: 'notes',
    version: '1.0.0',
    sdk: '^1.0.0',
    title: 'Notes',
    description: 'fixed notes',
    auth: { type: 'none' },
    config: z.object({}),
    checkpoint: z.object({ done: z.boolean() }),
    streams: ['notes', 'logs'],
  },
  check: async () => ({ ok: true, message: 'ok' }),
  async *read(ctx) {
    if (!ctx.checkpoint?.done) yield { items, checkpoint: { done: true } };
  },
});

let server: Awaited<ReturnType<typeof startPgliteServer>>;
let twin: OllamaTwin;
beforeAll(async () => {
  server = await startPgliteServer();
  twin = await startOllamaTwin({ dimensions: 16 });
});
afterAll(async () => {
  await twin?.close();
  await server?.close();
});

describe('PostgreSQL + pgvector: semantic and hybrid search (PGlite)', () => {
  it('syncs without embedding, drains the backlog, finds by meaning, filters and forgets tombstones', async () => {
    const store = createPostgresStore({ connectionString: server.url, maxConnections: 1 });
    await store.migrate();
    expect(store.vectorSupport()).toMatchObject({ enabled: true });
    const embedder = createOllamaEmbedder({ url: twin.url, model: 'nomic-embed-text', dimensions: 16 });
    const engine = createEngine({ store, connectors: [notes], embedder });
    try {
      const source = await engine.sources.add({ connector: 'notes', name: 'n' });
      expect(await engine.sync(source.id)).toMatchObject({ status: 'succeeded', created: 4 });
      expect(twin.embedded()).toBe(0);
      expect(await engine.embeddings.drain()).toMatchObject({ embedded: 4 });
      expect(await engine.embeddings.status()).toMatchObject({
        vectors: { enabled: true, backend: 'pgvector' },
        embedder: { dimensions: 16 },
        embedded: 4,
        pending: 0,
      });

      const semantic = await engine.search({ text: 'automobile', mode: 'semantic' });
      expect(semantic.hits.map((h) => h.externalId)).toEqual(['car', 'truck']);
      const hybrid = await engine.search({ text: 'automobile' });
      expect(hybrid).toMatchObject({ mode: 'hybrid', total: 3, totalExact: true });
      expect(hybrid.hits[0]).toMatchObject({ externalId: 'car', lists: ['semantic'] });
      const logs = await engine.search({ text: 'automobile', mode: 'semantic', streams: ['logs'] });
      expect(logs.hits.map((h) => h.externalId)).toEqual(['truck']);

      await engine.ingest(source.id, { items: [], deletes: ['car'] });
      expect(await engine.embeddings.drain()).toMatchObject({ removed: 1 });
      const after = await engine.search({ text: 'automobile', mode: 'semantic' });
      expect(after.hits.map((h) => h.externalId)).toEqual(['truck']);
    } finally {
      await engine.close();
    }
  });
});
