import { describe, expect, it } from 'vitest';
import type { SourceStore } from './sources.js';
import type { WriteStore } from './write-path.js';
import type { AuthStore } from './auth.js';
import { chat, newSource, prepared } from '../contract-support.js';

/** Sources, unique names per owner, and the checkpoint committed with a page. */
export function sourcesContract(getStore: () => SourceStore & WriteStore & AuthStore): void {
  describe('sources', () => {
    it('creates, reads, updates and lists sources; names are unique per owner', async () => {
      const store = getStore();
      const s = await store.createSource({
        ownerId: 'local',
        sourceType: 'git',
        name: 'repo',
        config: { rootDir: '/x' },
        features: { diffs: true },
        schedule: { intervalMinutes: 15 },
      });
      expect(s).toMatchObject({
        name: 'repo',
        sourceType: 'git',
        status: 'active',
        config: { rootDir: '/x' },
        features: { diffs: true },
        schedule: { intervalMinutes: 15 },
        lastSyncPosition: null,
      });
      expect(await store.getSource(s.id)).toEqual(s);
      expect((await store.getSourceByName('local', 'repo'))?.id).toBe(s.id);
      await expect(
        store.createSource({ ownerId: 'local', sourceType: 'git', name: 'repo', config: {} }),
      ).rejects.toMatchObject({ code: 'conflict' });
      const u = await store.updateSource(s.id, {
        status: 'error',
        errorMessage: 'boom',
        features: { diffs: false },
        config: { rootDir: '/y' },
      });
      expect(u).toMatchObject({
        status: 'error',
        errorMessage: 'boom',
        features: { diffs: false },
        config: { rootDir: '/y' },
      });
      await expect(store.updateSource('nope', { name: 'x' })).rejects.toMatchObject({ code: 'not_found' });
      const other = await store.createUser({ name: 'bob' });
      await store.createSource({ ownerId: other.id, sourceType: 'git', name: 'repo', config: {} });
      expect((await store.listSources({ ownerId: 'local' })).map((x) => x.id)).toEqual([s.id]);
      expect(await store.listSources()).toHaveLength(2);
    });

    it('stores the checkpoint with the page and exposes it on the source', async () => {
      const store = getStore();
      const s = await newSource(store);
      await store.commitPage({
        sourceId: s.id,
        runId: null,
        items: prepared([chat('a', 'hello')]),
        deletes: [],
        checkpoint: { position: 1 },
      });
      expect(await store.getCheckpoint(s.id)).toEqual({ position: 1 });
      expect((await store.getSource(s.id))?.lastSyncPosition).toEqual({ position: 1 });
      await store.commitPage({ sourceId: s.id, runId: null, items: [], deletes: [], checkpoint: undefined });
      expect(await store.getCheckpoint(s.id)).toEqual({ position: 1 });
      await store.setCheckpoint(s.id, null);
      expect(await store.getCheckpoint(s.id)).toBeNull();
    });

    it("keeps a push exporter's checkpoint as the JSON value it was: a bare string stays a string", async () => {
      const store = getStore();
      const s = await newSource(store);
      // The seed's IngestRequest documents `checkpoint?: string` (a Slack ts); numbers and arrays are JSON too.
      for (const value of ['1714557600.000100', '', '{"not":"parsed"}', 42, 0, false, ['C1', '1.2'], { ts: '1.2' }]) {
        await store.commitPage({
          sourceId: s.id,
          runId: null,
          items: [],
          deletes: [],
          checkpoint: value as unknown as Record<string, unknown>,
        });
        expect(await store.getCheckpoint(s.id)).toEqual(value);
        expect((await store.getSource(s.id))?.lastSyncPosition).toEqual(value);
        expect((await store.listSources()).find((x) => x.id === s.id)?.lastSyncPosition).toEqual(value);
      }
      await store.setCheckpoint(s.id, 'set-directly' as unknown as Record<string, unknown>);
      expect((await store.getSource(s.id))?.lastSyncPosition).toBe('set-directly');
    });
  });
}
