import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineConnector, z } from '@tributary/sdk';
import { createTestEngine } from '../engine/test-support/harness.js';
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
beforeAll(async () => {
  twin = await startEmbeddingsTwin();
});
afterAll(async () => {
  await twin?.close();
});

describe('engine with an OpenAI-compatible embedder (embedded store)', () => {
  it('a sync never waits for the embedder: a failing embeddings server fails no run, the backlog keeps every text', async () => {
    const embedder = createHttpEmbedder({ url: twin.url, model: 'twin', dimensions: 3, retries: 0 });
    const t = await createTestEngine([notes], { embedder });
    try {
      const source = await t.engine.sources.add({ connector: 'notes', name: 'n' });
      const before = twin.requests.length;
      expect(await t.engine.sync(source.id)).toMatchObject({ status: 'succeeded', created: 3 });
      expect(twin.requests.length).toBe(before);
      twin.failNext({ status: 401, body: '{"error":{"message":"invalid api key"}}' });
      await expect(t.engine.embeddings.drain()).rejects.toMatchObject({ code: 'auth_invalid' });
      expect(await t.engine.embeddings.coverage()).toMatchObject({ embedded: 0, pending: 3, complete: false });
      expect(await t.engine.embeddings.drain()).toMatchObject({ embedded: 3 });
      // The title is embedded with the first chunk.
      expect(twin.requests.flatMap((r) => r.input)).toContain('Garage\n\nMy automobile needs new tires soon');
      expect((await t.engine.search({ text: 'car' })).hits[0]?.externalId).toBe('tires');
      expect((await t.engine.search({ text: 'storm' })).hits[0]?.externalId).toBe('forecast');
      expect((await t.engine.search({ text: 'fruit' })).hits[0]?.externalId).toBe('market');
      // Full text still counts: an exact word finds its note first.
      expect((await t.engine.search({ text: 'weekend' })).hits[0]?.externalId).toBe('forecast');
      // The embeddings server failing at query time degrades the default search to keyword, it does not fail it.
      twin.failNext({ status: 401 });
      const degraded = await t.engine.search({ text: 'automobile' });
      expect(degraded.hits.map((h) => h.externalId)).toEqual(['tires']);
      expect(degraded.mode).toBe('keyword');
    } finally {
      await t.cleanup();
    }
  });

  it('without an embedder, search is keyword and asking for semantic is a clear error', async () => {
    const t = await createTestEngine([notes]);
    try {
      const source = await t.engine.sources.add({ connector: 'notes', name: 'n' });
      await t.engine.sync(source.id);
      expect(await t.engine.search({ text: 'automobile' })).toMatchObject({ mode: 'keyword', total: 1 });
      await expect(t.engine.search({ text: 'car', mode: 'semantic' })).rejects.toMatchObject({
        code: 'invalid_input',
        message: expect.stringContaining('no embedder is configured'),
      });
      await expect(t.engine.embeddings.drain()).rejects.toMatchObject({ code: 'invalid_input' });
      expect(await t.engine.embeddings.status()).toMatchObject({ embedder: null, vectors: { enabled: true } });
    } finally {
      await t.cleanup();
    }
  });
});
