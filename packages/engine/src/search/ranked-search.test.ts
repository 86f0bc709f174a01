import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineConnector, z, type Item } from '@tributary/sdk';
import { startOllamaTwin, type OllamaTwin } from '../../../../test/twins/ollama/index.js';
import { createOllamaEmbedder } from '../embedding/ollama-embedder.js';
import { createTestEngine } from '../engine/test-support/harness.js';
import { COUNT_CAP } from './types.js';
import { createEngine } from '../engine/create-engine.js';
import { createSqliteStore } from '../store/sqlite/index.js';

/**
 * Keyword, semantic and hybrid search on the embedded store (SQLite + sqlite-vec) with embeddings from an
 * Ollama-compatible twin over HTTP whose vectors put synonyms close ("car" and "automobile").
 */
const notes = (items: Item[]) =>
  defineConnector({
    manifest: {
      name: 'notes',
      version: '1.0.0',
      sdk: '^1.0.0',
      title: 'Notes',
      description: 'fixed notes',
      auth: { type: 'none' },
      config: z.object({}),
      checkpoint: z.object({ done: z.boolean() }),
      streams: ['notes', 'mail'],
    },
    check: async () => ({ ok: true, message: 'ok' }),
    async *read(ctx) {
      if (ctx.checkpoint?.done) return;
      yield { items, checkpoint: { done: true } };
    },
  });

const note = (externalId: string, content: string, stream = 'notes'): Item => ({ externalId, stream, content });

const ITEMS: Item[] = [
  note('car', 'car'),
  // Keyword hits for "automobile" whose meaning is money and meetings, not vehicles.
  note('club', 'automobile club invoice payment budget bill invoices paid'),
  note('assoc', 'automobile association meeting agenda standup call meetings budget invoice'),
  note('alps', 'hiking weekend in the Alps'),
  note('fruit', 'bananas and apples at the market'),
  note('truck-mail', 'the truck is in the garage', 'mail'),
];

let twin: OllamaTwin;
let t: Awaited<ReturnType<typeof createTestEngine>>;
beforeAll(async () => {
  twin = await startOllamaTwin({ dimensions: 16 });
});
afterAll(async () => {
  await twin?.close();
});
beforeEach(async () => {
  const embedder = createOllamaEmbedder({ url: twin.url, model: 'all-minilm', dimensions: 16 });
  t = await createTestEngine([notes(ITEMS)], { embedder });
});
afterEach(async () => {
  twin.faults.clear(); // faults a test armed and did not use up
  await t.cleanup();
});

async function syncAndEmbed() {
  const source = await t.engine.sources.add({ connector: 'notes', name: 'n' });
  expect(await t.engine.sync(source.id)).toMatchObject({ status: 'succeeded', created: ITEMS.length });
  return source;
}

describe('ranked search (SQLite + sqlite-vec, Ollama twin)', () => {
  it('chunks commit without embedding; the backlog is drained off the write path and reports coverage', async () => {
    const before = twin.embedded();
    await syncAndEmbed();
    expect(twin.embedded()).toBe(before); // nothing embedded while the sync wrote
    expect(await t.engine.embeddings.coverage()).toMatchObject({ embedded: 0, complete: false });
    // Before any vector exists the default mode is keyword.
    expect((await t.engine.search({ text: 'automobile' })).mode).toBe('keyword');
    const drained = await t.engine.embeddings.drain();
    expect(drained).toMatchObject({ embedded: ITEMS.length, removed: 0 });
    expect(await t.engine.embeddings.coverage()).toEqual({
      model: expect.stringContaining('all-minilm'),
      dimensions: 16,
      embedded: ITEMS.length,
      pending: 0,
      complete: true,
    });
  });

  it('semantic finds the note that only says "car" for "automobile"; hybrid ranks it above unrelated keyword hits', async () => {
    await syncAndEmbed();
    await t.engine.embeddings.drain();
    const keyword = await t.engine.search({ text: 'automobile', mode: 'keyword' });
    expect(keyword.hits.map((h) => h.externalId).sort()).toEqual(['assoc', 'club']);
    expect(keyword).toMatchObject({ total: 2, totalExact: true, nextCursor: null });

    const semantic = await t.engine.search({ text: 'automobile', mode: 'semantic' });
    expect(semantic.hits[0]).toMatchObject({ externalId: 'car', lists: ['semantic'], ranks: { semantic: 1 } });
    // Only vehicle notes are close enough to be matches; the money notes are not.
    expect(semantic.hits.map((h) => h.externalId)).toEqual(['car', 'truck-mail']);
    expect(semantic).toMatchObject({ total: 2, totalExact: true });

    const hybrid = await t.engine.search({ text: 'automobile' });
    expect(hybrid.mode).toBe('hybrid'); // the default once vectors exist
    const order = hybrid.hits.map((h) => h.externalId);
    expect(order[0]).toBe('car');
    expect(order.indexOf('car')).toBeLessThan(order.indexOf('club'));
    expect(order.indexOf('car')).toBeLessThan(order.indexOf('assoc'));
    expect(hybrid.hits.find((h) => h.externalId === 'club')!.lists).toEqual(['keyword']);
    expect(hybrid.hits.find((h) => h.externalId === 'club')!.snippet).toContain('<mark>');
    expect(hybrid).toMatchObject({ total: 4, totalExact: true, embedding: { complete: true } });
  });

  it('every filter applies in every mode', async () => {
    await syncAndEmbed();
    await t.engine.embeddings.drain();
    for (const mode of ['keyword', 'semantic', 'hybrid'] as const) {
      const mail = await t.engine.search({ text: 'truck', mode, streams: ['mail'] });
      expect(mail.hits.map((h) => h.externalId)).toEqual(['truck-mail']);
      const none = await t.engine.search({ text: 'automobile', mode, streams: ['nothing'] });
      expect(none).toMatchObject({ hits: [], total: 0 });
      const otherOwner = await t.engine.search({ text: 'automobile', mode, ownerId: 'someone-else' });
      expect(otherOwner.hits).toEqual([]);
    }
  });

  it('pages with a cursor: pages do not overlap, the total stays, the last page has no cursor', async () => {
    await syncAndEmbed();
    await t.engine.embeddings.drain();
    for (const mode of ['keyword', 'hybrid'] as const) {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await t.engine.search({ text: 'automobile OR car OR hiking', mode, limit: 1, cursor });
        expect(page.total).toBeGreaterThanOrEqual(page.hits.length);
        seen.push(...page.hits.map((h) => h.memoryId));
        cursor = page.nextCursor ?? undefined;
        pages++;
      } while (cursor && pages < 20);
      expect(new Set(seen).size).toBe(seen.length);
      const all = await t.engine.search({ text: 'automobile OR car OR hiking', mode, limit: 50 });
      expect(seen).toEqual(all.hits.map((h) => h.memoryId));
      expect(all.total).toBe(seen.length);
    }
  });

  it('refuses a limit above the maximum, an unknown mode and a foreign cursor, naming the field', async () => {
    await syncAndEmbed();
    await expect(t.engine.search({ text: 'car', limit: 100_000 })).rejects.toMatchObject({
      code: 'invalid_input',
      issues: [{ path: 'limit' }],
    });
    await expect(t.engine.search({ text: 'car', mode: 'fuzzy' as never })).rejects.toMatchObject({
      issues: [{ path: 'mode' }],
    });
    const first = await t.engine.search({ text: 'automobile', mode: 'keyword', limit: 1 });
    await expect(
      t.engine.search({ text: 'something else', mode: 'keyword', cursor: first.nextCursor! }),
    ).rejects.toMatchObject({ issues: [{ path: 'cursor' }] });
  });

  it('an edit re-embeds only the new text; identical chunks are embedded once; a deleted text leaves the index', async () => {
    const source = await syncAndEmbed();
    await t.engine.embeddings.drain();
    const requests = twin.requests.length;
    await t.engine.ingest(source.id, {
      items: [note('copy', 'car'), note('fruit', 'a storm with heavy rain')],
      deletes: ['alps'],
    });
    const r = await t.engine.embeddings.drain();
    // "car" was embedded already: only the fruit note's new text goes to the embedder.
    expect(r).toMatchObject({ embedded: 1, removed: 2 });
    expect(twin.requests.slice(requests).flatMap((q) => q.input)).toEqual(['a storm with heavy rain']);
    const hiking = await t.engine.search({ text: 'mountains trip', mode: 'semantic' });
    expect(hiking.hits).toEqual([]);
    const car = await t.engine.search({ text: 'automobile', mode: 'semantic' });
    expect(car.hits.map((h) => h.externalId).sort()).toEqual(['car', 'copy', 'truck-mail']);
  });

  it('the default hybrid falls back to keyword with a warning when the query cannot be embedded; explicit semantic fails', async () => {
    await syncAndEmbed();
    await t.engine.embeddings.drain();
    twin.busy(10);
    const r = await t.engine.search({ text: 'automobile' });
    expect(r.mode).toBe('keyword');
    expect(r.warnings?.[0]).toContain('could not be embedded');
    twin.busy(10);
    await expect(t.engine.search({ text: 'automobile', mode: 'semantic' })).rejects.toMatchObject({
      code: 'upstream_unavailable',
    });
  });
});

describe('embedding model change and the background worker', () => {
  it('a new model re-embeds every chunk from stored text (no source read again); the old vectors go when it is done', async () => {
    let reads = 0;
    const base = notes(ITEMS);
    const counting: typeof base = {
      ...base,
      read: (ctx) => {
        reads++;
        return base.read(ctx);
      },
    };
    const first = createOllamaEmbedder({ url: twin.url, model: 'all-minilm', dimensions: 16 });
    const a = await createTestEngine([counting], { embedder: first });
    const source = await a.engine.sources.add({ connector: 'notes', name: 'n' });
    await a.engine.sync(source.id);
    await a.engine.embeddings.drain();
    expect(reads).toBe(1);
    await a.engine.close();

    // The same database, another model: nothing is fetched, every text is embedded again by the new model.
    const second = createOllamaEmbedder({ url: twin.url, model: 'nomic-embed-text', dimensions: 16 });
    const store = createSqliteStore({ path: a.dbPath });
    await store.migrate();
    const b = { engine: createEngine({ store, connectors: [counting], embedder: second }) };
    try {
      const sent = twin.requests.length;
      expect(await b.engine.embeddings.drain()).toMatchObject({ embedded: ITEMS.length });
      expect(twin.requests.slice(sent).every((r) => r.model === 'nomic-embed-text')).toBe(true);
      expect(reads).toBe(1);
      expect(await b.engine.embeddings.status()).toMatchObject({ embedded: ITEMS.length, pending: 0 });
      const semantic = await b.engine.search({ text: 'automobile', mode: 'semantic' });
      expect(semantic.hits[0]?.externalId).toBe('car');
      expect(semantic.embedding?.model).toContain('nomic-embed-text');
      const models = (await store.vectorIndex.models()).map((m) => m.id);
      expect(models).toEqual([second.id]); // the old model's vectors were dropped once the new one covered all
    } finally {
      await b.engine.close();
      await a.cleanup();
    }
  });

  it('startBackground drains what syncs leave in the backlog, without being asked', async () => {
    await syncAndEmbedLater();
    t.engine.embeddings.startBackground();
    await vi.waitFor(async () => expect(await t.engine.embeddings.coverage()).toMatchObject({ complete: true }), {
      timeout: 20_000,
      interval: 50,
    });
    expect((await t.engine.search({ text: 'automobile', mode: 'semantic' })).hits[0]?.externalId).toBe('car');
  });
});

async function syncAndEmbedLater() {
  const source = await t.engine.sources.add({ connector: 'notes', name: 'n' });
  await t.engine.sync(source.id);
  expect(await t.engine.embeddings.coverage()).toMatchObject({ embedded: 0 });
}

describe('totals beyond the count cap', () => {
  it('says "at least COUNT_CAP" (a lower bound) and keeps a cursor; a short last page is exact', async () => {
    const source = await t.engine.sources.add({ connector: 'notes', name: 'many' });
    const items = Array.from({ length: COUNT_CAP + 10 }, (_, i) => note(`r${i}`, `reftable entry ${i}`));
    await t.engine.ingest(source.id, { items });
    const first = await t.engine.search({ text: 'reftable', mode: 'keyword', limit: 200 });
    expect(first).toMatchObject({ total: COUNT_CAP, totalExact: false });
    expect(first.nextCursor).not.toBeNull();
    let page = first;
    let seen = first.hits.length;
    while (page.nextCursor) {
      page = await t.engine.search({ text: 'reftable', mode: 'keyword', limit: 200, cursor: page.nextCursor });
      seen += page.hits.length;
    }
    expect(seen).toBe(COUNT_CAP + 10);
    expect(page).toMatchObject({ total: COUNT_CAP + 10, totalExact: true });
  });
});
