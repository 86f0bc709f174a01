import { describe, expect, it } from 'vitest';
import type { SearchStore } from './search.js';
import type { SourceStore } from './sources.js';
import type { WriteStore } from './write-path.js';
import { chat, newSource, prepared } from '../contract-support.js';

const page = (from: number, to: number, word: string) =>
  prepared(Array.from({ length: to - from }, (_, k) => chat(`m${from + k}`, `${word} message number${from + k}`)));

/**
 * Bulk backfill (`deferIndex`): a backend may index such pages later, but after `flushIndex` — or after any page
 * committed without the flag — search sees exactly what is live: every deferred item, nothing deleted meanwhile.
 */
export function bulkContract(getStore: () => WriteStore & SourceStore & SearchStore): void {
  describe('bulk backfill (deferred indexing)', () => {
    it('deferred pages are searchable after flushIndex; deletions during the backlog never show up', async () => {
      const store = getStore();
      const s = await newSource(store);
      for (let p = 0; p < 4; p++) {
        await store.commitPage({
          sourceId: s.id,
          runId: null,
          items: page(p * 50, (p + 1) * 50, 'walrus'),
          deletes: p === 3 ? ['m0', 'm60', 'm149'] : [],
          checkpoint: { p },
          deferIndex: true,
        });
      }
      // An edit of a deferred item before it was ever indexed: the new text only.
      await store.commitPage({
        sourceId: s.id,
        runId: null,
        items: prepared([chat('m10', 'narwhal edited')]),
        deletes: [],
        checkpoint: { p: 4 },
        deferIndex: true,
      });
      await store.flushIndex();
      expect((await store.search({ text: 'walrus', limit: 500 })).hits).toHaveLength(200 - 3 - 1);
      expect((await store.search({ text: 'number60' })).hits).toHaveLength(0);
      expect((await store.search({ text: 'number199' })).hits).toHaveLength(1);
      expect((await store.search({ text: 'narwhal' })).hits.map((h) => h.externalId)).toEqual(['m10']);
      await store.flushIndex(); // idempotent
      expect((await store.search({ text: 'walrus', limit: 500 })).hits).toHaveLength(196);
    });

    it('a page committed without deferIndex is searchable at once, with everything deferred before it', async () => {
      const store = getStore();
      const a = await newSource(store, 'bulk');
      const b = await newSource(store, 'pushed');
      await store.commitPage({
        sourceId: a.id,
        runId: null,
        items: page(0, 30, 'otter'),
        deletes: [],
        checkpoint: { p: 1 },
        deferIndex: true,
      });
      await store.commitPage({
        sourceId: b.id,
        runId: null,
        items: prepared([chat('x', 'beaver pushed now')]),
        deletes: [],
        checkpoint: undefined,
      });
      expect((await store.search({ text: 'beaver' })).hits).toHaveLength(1);
      expect((await store.search({ text: 'otter', limit: 100 })).hits).toHaveLength(30);
      // Tombstoning a source's items after the catch-up removes them from the index as usual.
      await store.commitPage({
        sourceId: a.id,
        runId: null,
        items: [],
        deletes: ['m1', 'm2'],
        checkpoint: { p: 2 },
        deferIndex: true,
      });
      await store.flushIndex();
      expect((await store.search({ text: 'otter', limit: 100 })).hits).toHaveLength(28);
    });
  });
}
