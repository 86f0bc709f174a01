import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defineConnector, z } from '@tributary/sdk';
import { ollamaSpecProblems, startOllamaTwin, type OllamaTwin } from '../../../../../test/twins/ollama/index.js';
import { qdrantSpecProblems, startQdrantTwin, type QdrantTwin } from '../../../../../test/twins/qdrant/index.js';
import { createOllamaEmbedder } from '../../embedding/ollama-embedder.js';
import { createEngine } from '../../engine/create-engine.js';
import { createPostgresStore } from '../postgres/index.js';
import { createSqliteStore } from '../sqlite/index.js';
import { createQdrantVectorIndex } from './index.js';
import { withVectorIndex } from './with-index.js';

const TOPICS = ['the car needs new tires', 'bananas at the market', 'storm over the coast', 'invoice for March'];
/** What the notes connector serves; tests change it between syncs (a removed id is reported as deleted). */
let notes: Map<string, string>;
let deleted: string[];

const connector = defineConnector({
  manifest: {
    name: 'notes',
    version: '1.0.0',
    sdk: '^1.0.0',
    title: 'Notes',
    description: 'notes for the Qdrant backlog test',
    auth: { type: 'none' },
    config: z.object({}),
    checkpoint: z.object({ n: z.number() }),
    streams: ['notes'],
  },
  check: async () => ({ ok: true, message: 'ok' }),
  async *read() {
    const all = [...notes.entries()];
    for (let i = 0; i < all.length; i += 50)
      yield {
        items: all.slice(i, i + 50).map(([externalId, content]) => ({ externalId, stream: 'notes', content })),
        checkpoint: { n: i },
      };
    if (deleted.length) yield { items: [], deletes: deleted, checkpoint: { n: -1 } };
  },
});

let qdrant: QdrantTwin;
let ollama: OllamaTwin;
beforeEach(async () => {
  qdrant = await startQdrantTwin();
  ollama = await startOllamaTwin();
  notes = new Map(Array.from({ length: 400 }, (_, i) => [`n${i}`, `${TOPICS[i % 4]} #${i}`]));
  deleted = [];
});
afterEach(async () => {
  await qdrant.close();
  await ollama.close();
});

const PG_URL = process.env.TRIBUTARY_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The store that keeps chunks and the backlog: the embedded SQLite file, or PostgreSQL in its own schema. */
const stores = {
  SQLite: async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'trib-qdrant-'));
    const store = createSqliteStore({ path: path.join(dir, 'db.sqlite') });
    await store.migrate();
    return { store, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  },
  PostgreSQL: async () => {
    const schema = `q_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    const store = createPostgresStore({ connectionString: PG_URL, schema, maxConnections: 2 });
    await store.migrate();
    return {
      store,
      drop: async () => {
        const admin = new pg.Pool({ connectionString: PG_URL, max: 1 });
        await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await admin.end();
      },
    };
  },
};

describe.each(Object.entries(stores))('Qdrant behind the embedding backlog (%s store)', (_name, open) => {
  it('a Qdrant outage mid-drain queues and loses nothing; deletions and tombstones reach Qdrant after it is back', async () => {
    const { store: base, drop } = await open();
    const index = createQdrantVectorIndex({ url: qdrant.url, prefix: 'deploy' });
    const store = withVectorIndex(base, index, `qdrant at ${qdrant.url}`);
    const embedder = createOllamaEmbedder({ url: ollama.url, model: 'all-minilm', dimensions: 16, retries: 0 });
    const engine = createEngine({ store, connectors: [connector], embedder });
    try {
      const source = await engine.sources.add({ connector: 'notes', name: 'notes' });
      expect(await engine.sync(source.id)).toMatchObject({ status: 'succeeded', created: 400 });
      // Chunks committed with the pages; their hashes wait in the store's backlog.
      const first = await engine.embeddings.drain({ batchSize: 100, maxBatches: 1 });
      expect(first.embedded).toBe(100);
      const pendingBefore = (await engine.embeddings.coverage())!.pending;
      expect(pendingBefore).toBe(300);

      qdrant.down();
      const err = await engine.embeddings.drain({ batchSize: 100 }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'upstream_unavailable', retryable: true });
      // Meanwhile a source change arrives: an edit, a new note and an upstream deletion, all queued in the store.
      notes.set('n1', 'a brand new automobile #1');
      notes.set('n400', 'storm warning #400');
      notes.delete('n2');
      deleted = ['n2'];
      expect(await engine.sync(source.id)).toMatchObject({ status: 'succeeded', created: 1, updated: 1, deleted: 1 });
      // Nothing is lost while Qdrant is down: the 300 entries and the change's hashes wait in the store's backlog.
      expect(await base.embeddingQueue.size()).toBeGreaterThanOrEqual(303);
      // Keyword search does not need Qdrant.
      expect((await engine.search({ text: 'automobile', mode: 'keyword' })).hits.map((h) => h.externalId)).toEqual([
        'n1',
      ]);

      qdrant.up();
      await engine.embeddings.drain({ batchSize: 100 });
      expect(await engine.embeddings.coverage()).toMatchObject({ pending: 0, complete: true });
      // Every live chunk text is in Qdrant exactly once (one point per hash), the deleted and replaced ones are not.
      const live = [...notes.values()];
      expect(await index.count(embedder.id)).toBe(new Set(live).size);
      const points = [...qdrant.state.collections.values()].find((c) => c.size === 16)!.points;
      const texts = [...points.values()].map((p) => p.payload.hash as string);
      expect(new Set(texts).size).toBe(texts.length);
      // Search by meaning goes through Qdrant: "vehicle" finds the car notes and the edited automobile note.
      const res = await engine.search({ text: 'vehicle', mode: 'semantic', limit: 200 });
      const ids = res.hits.map((h) => h.externalId);
      expect(ids).toContain('n1');
      expect(ids).not.toContain('n2');
      expect(ids.filter((id) => Number(id.slice(1)) % 4 === 0 && id !== 'n400').length).toBe(100);
      // Owner and source filters apply inside Qdrant: another user's (or another source's) search sees nothing.
      const local = await engine.search({ text: 'vehicle', mode: 'semantic', ownerId: source.ownerId, limit: 5 });
      expect(local.hits).toHaveLength(5);
      for (const filter of [{ ownerId: 'someone-else' }, { sourceIds: ['another-source'] }])
        expect((await engine.search({ text: 'vehicle', mode: 'semantic', ...filter })).hits).toEqual([]);
      expect(ollamaSpecProblems(ollama.exchanges)).toEqual([]);
      expect(qdrantSpecProblems(qdrant.exchanges.filter((x) => x.status !== 0))).toEqual([]);
    } finally {
      await engine.close();
      await drop();
    }
  });
});
