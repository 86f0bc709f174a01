import { describe, expect, it } from 'vitest';
import type { MemoryReadStore } from './memories.js';
import type { SourceStore } from './sources.js';
import type { WriteStore } from './write-path.js';
import type { SearchStore } from './search.js';
import { chat, newSource, prepared } from '../contract-support.js';

/** Export, purge and delete of stored memories; per-source stats. */
export function memoriesContract(getStore: () => MemoryReadStore & SourceStore & WriteStore & SearchStore): void {
  describe('memories', () => {
    it('export streams every memory; purge and delete leave nothing searchable', async () => {
      const store = getStore();
      const s = await newSource(store);
      const other = await newSource(store, 'other');
      await store.commitPage({
        sourceId: s.id,
        runId: null,
        items: prepared(Array.from({ length: 30 }, (_, i) => chat(`e${i}`, `export word${i} shared`))),
        deletes: ['e0'],
        checkpoint: { p: 1 },
      });
      await store.commitPage({
        sourceId: other.id,
        runId: null,
        items: prepared([chat('o', 'shared by other')]),
        deletes: [],
        checkpoint: undefined,
      });
      const out: string[] = [];
      for await (const m of store.exportMemories(s.id, { batchSize: 7 })) out.push(m.externalId);
      expect(out).toHaveLength(29);
      const withDeleted: string[] = [];
      for await (const m of store.exportMemories(s.id, { includeDeleted: true })) withDeleted.push(m.externalId);
      expect(withDeleted).toHaveLength(30);
      expect(await store.purgeSourceData(s.id)).toBe(30);
      expect((await store.search({ text: 'shared' })).hits.map((h) => h.externalId)).toEqual(['o']);
      expect(await store.countMemories({ sourceId: s.id, includeDeleted: true })).toBe(0);
      expect(await store.getCheckpoint(s.id)).toBeNull();
      expect(await store.getSource(s.id)).not.toBeNull();
      expect(await store.deleteSource(other.id)).toBe(true);
      expect((await store.search({ text: 'shared' })).hits).toHaveLength(0);
      expect(await store.getSource(other.id)).toBeNull();
    });

    it('stats per source', async () => {
      const store = getStore();
      const s = await newSource(store);
      await store.commitPage({
        sourceId: s.id,
        runId: null,
        items: prepared([chat('a', 'x'), chat('b', 'y', { stream: 'docs' })]),
        deletes: [],
        checkpoint: undefined,
      });
      await store.commitPage({
        sourceId: s.id,
        runId: null,
        items: prepared([chat('a', 'x2')]),
        deletes: ['b'],
        checkpoint: undefined,
      });
      const st = await store.sourceStats(s.id);
      expect(st).toMatchObject({ memories: 1, deleted: 1, versions: 1, byStream: { messages: 1 } });

      // Two streams live, a third deleted: per-stream counts are of live memories; the time span covers every row.
      await store.commitPage({
        sourceId: s.id,
        runId: null,
        items: prepared([
          chat('c', 'z', { stream: 'docs', occurredAt: '2026-03-01T00:00:00.000Z' }),
          chat('d', 'w', { stream: 'docs', occurredAt: '2025-02-01T00:00:00.000Z' }),
          chat('e', 'v', { stream: 'notes', occurredAt: '2024-05-01T00:00:00.000Z' }),
        ]),
        deletes: [],
        checkpoint: undefined,
      });
      await store.commitPage({ sourceId: s.id, runId: null, items: [], deletes: ['e'], checkpoint: undefined });
      const more = await store.sourceStats(s.id);
      expect(more).toMatchObject({ memories: 3, deleted: 2, byStream: { messages: 1, docs: 2 } });
      expect(Object.keys(more.byStream).sort()).toEqual(['docs', 'messages']);
      expect([more.oldest, more.newest].map((t) => t && new Date(t).toISOString())).toEqual([
        '2024-05-01T00:00:00.000Z',
        '2026-03-01T00:00:00.000Z',
      ]);
    });
  });
}
