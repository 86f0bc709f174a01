import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chat, newSource, prepared } from './contract-support.js';
import type { MemoryStore } from './types.js';
import { chunkHash } from './vector-queue.js';

/**
 * The embedding backlog contract (vector-queue.ts): SQLite and PostgreSQL run it against a fresh, migrated store
 * per test. The backlog is written in the page's own transaction, so these tests go through `commitPage`.
 */
export function vectorQueueContract(name: string, make: () => Promise<MemoryStore>): void {
  describe(`embedding backlog contract: ${name}`, () => {
    let store: MemoryStore;
    beforeEach(async () => {
      store = await make();
    });
    afterEach(async () => {
      await store.close();
    });

    const commit = (sourceId: string, items = prepared([]), deletes: string[] = []) =>
      store.commitPage({ sourceId, runId: null, items, deletes, checkpoint: undefined });
    const hashes = async () => [...new Set((await store.embeddingQueue.next(1000)).map((e) => e.hash))].sort();

    it('records nothing until enabled; then every committed chunk text, with its text and live places', async () => {
      const a = await newSource(store, 'a');
      await store.createUser({ id: 'other', name: 'other' });
      const b = await newSource(store, 'b', { ownerId: 'other' });
      await commit(a.id, prepared([chat('early', 'written before embeddings were on')]));
      expect(await store.embeddingQueue.enabled()).toBe(false);
      expect(await store.embeddingQueue.size()).toBe(0);
      await store.embeddingQueue.enable();
      expect(await store.embeddingQueue.enabled()).toBe(true);
      await commit(a.id, prepared([chat('1', 'the same words'), chat('2', 'other words', { title: 'Title' })]));
      await commit(b.id, prepared([chat('x', 'the same words')]));
      const same = chunkHash(0, null, 'the same words');
      const titled = chunkHash(0, 'Title', 'other words');
      expect(await hashes()).toEqual([same, titled].sort());
      const [s, t] = await store.embeddingQueue.describe([same, titled]);
      expect(s!.text).toBe('the same words');
      expect(s!.scopes).toEqual(
        expect.arrayContaining([
          { ownerId: 'local', sourceId: a.id },
          { ownerId: 'other', sourceId: b.id },
        ]),
      );
      expect(s!.scopes).toHaveLength(2);
      expect(t!.text).toBe('Title\n\nother words'); // the first chunk carries the title, as embedded
    });

    it('a tombstone queues the hash again; with no live chunk left its text is null', async () => {
      const a = await newSource(store);
      await store.embeddingQueue.enable();
      await commit(a.id, prepared([chat('1', 'soon deleted')]));
      const [first] = await store.embeddingQueue.next(10);
      await store.embeddingQueue.done([first!.seq]);
      expect(await store.embeddingQueue.size()).toBe(0);
      expect(await store.embeddingQueue.next(10)).toEqual([]);
      await commit(a.id, prepared([]), ['1']);
      const [again] = await store.embeddingQueue.next(10);
      expect(again!.hash).toBe(first!.hash);
      expect(await store.embeddingQueue.describe([again!.hash])).toEqual([
        { hash: again!.hash, text: null, scopes: [] },
      ]);
    });

    it('a hash queued again while its batch is in flight outlives done() of that batch', async () => {
      const a = await newSource(store);
      await store.embeddingQueue.enable();
      await commit(a.id, prepared([chat('1', 'in flight')]));
      const batch = await store.embeddingQueue.next(10);
      await commit(a.id, prepared([chat('2', 'in flight')])); // the same text elsewhere, mid-batch
      await store.embeddingQueue.done(batch.map((e) => e.seq));
      expect((await store.embeddingQueue.next(10)).map((e) => e.hash)).toEqual([batch[0]!.hash]);
      expect(batch).toHaveLength(1);
    });

    it('enqueueAll queues every live chunk text once; corpus counts distinct live texts', async () => {
      const a = await newSource(store);
      await commit(a.id, prepared([chat('1', 'one'), chat('2', 'two'), chat('3', 'one')]));
      await commit(a.id, prepared([]), ['2']);
      await store.embeddingQueue.enable();
      expect(await store.embeddingQueue.enqueueAll()).toBe(1);
      expect(await hashes()).toEqual([chunkHash(0, null, 'one')]);
      expect(await store.embeddingQueue.corpus()).toBe(1);
      expect(await store.embeddingQueue.corpus({ ownerId: 'nobody' })).toBe(0);
    });

    it('hashes filled for long memories written while off equal the hashes the write path gives them', async () => {
      // Several multi-chunk memories in one page: the fill reads each memory's content once for all of its chunks.
      const long = (word: string) => Array.from({ length: 3000 }, (_, i) => `${word}${i % 50}`).join(' ');
      const texts = [long('alpha'), long('beta'), long('gamma')];
      const a = await newSource(store, 'a');
      const b = await newSource(store, 'b');
      await commit(a.id, prepared(texts.map((t, i) => chat(`off${i}`, t, { title: `T${i}` }))));
      await store.embeddingQueue.enable();
      await store.embeddingQueue.enqueueAll();
      const filled = await hashes();
      expect(filled.length).toBeGreaterThan(texts.length); // several chunks each
      await commit(b.id, prepared(texts.map((t, i) => chat(`on${i}`, t, { title: `T${i}` }))));
      expect(await hashes()).toEqual(filled);
      expect((await store.embeddingQueue.describe(filled)).every((c) => c.scopes.length === 2)).toBe(true);
    });

    it('hitsFor joins hashes to live memories under every filter, nearest first, one hit per memory', async () => {
      // Vector hits exist only while embeddings are on (the embedded store writes chunk hashes from then on).
      await store.embeddingQueue.enable();
      const a = await newSource(store, 'a');
      await store.createUser({ id: 'other', name: 'other' });
      const b = await newSource(store, 'b', { ownerId: 'other' });
      await commit(
        a.id,
        prepared([
          chat('near', 'close in meaning', { stream: 'notes' }),
          chat('far', 'further away', { stream: 'mail' }),
          chat('gone', 'close in meaning'),
        ]),
      );
      await commit(b.id, prepared([chat('theirs', 'close in meaning')]));
      await commit(a.id, prepared([]), ['gone']);
      const matches = [
        { hash: chunkHash(0, null, 'close in meaning'), distance: 0.1 },
        { hash: chunkHash(0, null, 'further away'), distance: 0.4 },
      ];
      const mine = await store.embeddingQueue.hitsFor(matches, { ownerId: 'local' });
      expect(mine.map((h) => [h.externalId, h.distance])).toEqual([
        ['near', 0.1],
        ['far', 0.4],
      ]);
      expect(mine[0]).toMatchObject({ sourceName: 'a', snippet: 'close in meaning', stream: 'notes' });
      expect((await store.embeddingQueue.hitsFor(matches, { streams: ['mail'] })).map((h) => h.externalId)).toEqual([
        'far',
      ]);
      expect((await store.embeddingQueue.hitsFor(matches, {})).map((h) => h.externalId).sort()).toEqual([
        'far',
        'near',
        'theirs',
      ]);
    });

    it('countMatches counts matching live memories exactly up to the cap, then says it is a lower bound', async () => {
      const a = await newSource(store);
      await commit(
        a.id,
        prepared(
          Array.from({ length: 7 }, (_, i) => chat(`m${i}`, `reftable entry ${i}`, { stream: i < 2 ? 'x' : 'y' })),
        ),
      );
      await commit(a.id, prepared([]), ['m6']);
      expect(await store.countMatches({ text: 'reftable' }, 100)).toEqual({ total: 6, exact: true });
      expect(await store.countMatches({ text: 'reftable', streams: ['x'] }, 100)).toEqual({ total: 2, exact: true });
      expect(await store.countMatches({ text: 'reftable' }, 4)).toEqual({ total: 4, exact: false });
      expect(await store.countMatches({ text: 'reftable', ownerId: 'nobody' }, 4)).toEqual({ total: 0, exact: true });
    });
  });
}
