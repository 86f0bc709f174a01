import { describe, expect, it } from 'vitest';
import type { WriteStore } from './write-path.js';
import type { SourceStore } from './sources.js';
import type { RunStore } from './runs.js';
import type { MemoryReadStore } from './memories.js';
import type { SearchStore } from './search.js';
import { chat, newSource, prepared } from '../contract-support.js';

/** One page in one transaction: creates, unchanged, versions, tombstones, full refresh, rollback. */
export function writePathContract(
  getStore: () => WriteStore & SourceStore & RunStore & MemoryReadStore & SearchStore,
): void {
  describe('write path', () => {
    it('creates, skips unchanged, versions edits, tombstones deletions', async () => {
      const store = getStore();
      const s = await newSource(store);
      const r1 = await store.commitPage({
        sourceId: s.id,
        runId: null,
        items: prepared([chat('a', 'the quick brown fox'), chat('b', 'lazy dog')]),
        deletes: [],
        checkpoint: { p: 1 },
      });
      expect(r1).toEqual({ created: 2, updated: 0, unchanged: 0, deleted: 0 });
      const r2 = await store.commitPage({
        sourceId: s.id,
        runId: null,
        items: prepared([chat('a', 'the quick brown fox')]),
        deletes: [],
        checkpoint: { p: 2 },
      });
      expect(r2).toEqual({ created: 0, updated: 0, unchanged: 1, deleted: 0 });
      const r3 = await store.commitPage({
        sourceId: s.id,
        runId: null,
        items: prepared([chat('a', 'the quick red fox')]),
        deletes: [],
        checkpoint: { p: 3 },
      });
      expect(r3.updated).toBe(1);
      const a = await store.getMemoryByExternalId(s.id, 'a');
      expect(a).toMatchObject({ version: 2, content: 'the quick red fox', deletedAt: null });
      const full = await store.getMemory(a!.id);
      expect(full?.versions.map((v) => [v.version, v.content])).toEqual([[1, 'the quick brown fox']]);
      expect(full).toMatchObject({ sourceName: 'src', sourceType: 'synthetic' });
      expect((await store.search({ text: 'brown' })).hits).toHaveLength(0);
      expect((await store.search({ text: 'red' })).hits.map((h) => h.externalId)).toEqual(['a']);
      const r4 = await store.commitPage({
        sourceId: s.id,
        runId: null,
        items: [],
        deletes: ['b', 'missing'],
        checkpoint: { p: 4 },
      });
      expect(r4.deleted).toBe(1);
      expect((await store.search({ text: 'lazy' })).hits).toHaveLength(0);
      expect((await store.getMemoryByExternalId(s.id, 'b'))?.deletedAt).not.toBeNull();
      expect(await store.countMemories({ sourceId: s.id })).toBe(1);
      expect(await store.countMemories({ sourceId: s.id, includeDeleted: true })).toBe(2);
      // A deleted item that comes back is live and searchable again.
      await store.commitPage({
        sourceId: s.id,
        runId: null,
        items: prepared([chat('b', 'lazy dog returns')]),
        deletes: [],
        checkpoint: { p: 5 },
      });
      expect((await store.search({ text: 'lazy' })).hits.map((h) => h.externalId)).toEqual(['b']);
    });

    it('fingerprint lookup serves the unchanged fast path', async () => {
      const store = getStore();
      const s = await newSource(store);
      const items = prepared([chat('a', 'one'), chat('b', 'two')]);
      await store.commitPage({ sourceId: s.id, runId: null, items, deletes: [], checkpoint: undefined });
      const map = await store.lookupFingerprints(s.id, ['a', 'b', 'c']);
      expect(map.get('a')).toBe(items[0]!.fingerprint);
      expect(map.has('c')).toBe(false);
      const r = await store.commitPage({
        sourceId: s.id,
        runId: null,
        items: [],
        unchangedIds: ['a', 'b'],
        deletes: [],
        checkpoint: { p: 1 },
      });
      expect(r.unchanged).toBe(2);
    });

    it('full refresh: tombstones what the run did not see', async () => {
      const store = getStore();
      const s = await newSource(store);
      await store.commitPage({
        sourceId: s.id,
        runId: null,
        items: prepared([chat('a', 'alpha'), chat('b', 'bravo'), chat('c', 'charlie')]),
        deletes: [],
        checkpoint: undefined,
      });
      const run = await store.startRun({ sourceId: s.id, mode: 'full_refresh', trigger: 'manual' });
      await store.commitPage({
        sourceId: s.id,
        runId: run.id,
        items: prepared([chat('a', 'alpha')]),
        unchangedIds: [],
        deletes: [],
        checkpoint: undefined,
        markSeen: true,
      });
      await store.commitPage({
        sourceId: s.id,
        runId: run.id,
        items: [],
        unchangedIds: ['b'],
        deletes: [],
        checkpoint: undefined,
        markSeen: true,
      });
      expect(await store.tombstoneUnseen(s.id, run.id)).toBe(1);
      expect((await store.getMemoryByExternalId(s.id, 'c'))?.deletedAt).not.toBeNull();
      expect((await store.search({ text: 'charlie' })).hits).toHaveLength(0);
      expect(await store.countMemories({ sourceId: s.id })).toBe(2);
    });

    it('rolls back a failing page entirely: no items, no checkpoint', async () => {
      const store = getStore();
      const s = await newSource(store);
      const items = prepared([chat('a', 'first'), chat('b', 'second')]);
      (items[1] as any).content = null; // violates NOT NULL inside the transaction
      await expect(
        store.commitPage({ sourceId: s.id, runId: null, items, deletes: [], checkpoint: { position: 2 } }),
      ).rejects.toThrow();
      expect(await store.countMemories({ sourceId: s.id, includeDeleted: true })).toBe(0);
      expect(await store.getCheckpoint(s.id)).toBeNull();
    });
  });
}
