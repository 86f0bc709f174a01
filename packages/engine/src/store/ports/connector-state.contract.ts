import { describe, expect, it } from 'vitest';
import type { ConnectorStateStore } from './connector-state.js';
import type { MemoryReadStore } from './memories.js';
import type { SourceStore } from './sources.js';
import type { WriteStore } from './write-path.js';

type StateStores = ConnectorStateStore & WriteStore & SourceStore & MemoryReadStore;
import { chat, newSource, prepared } from '../contract-support.js';

const page = (sourceId: string, state: Parameters<WriteStore['commitPage']>[0]['state'], checkpoint = { p: 1 }) => ({
  sourceId,
  runId: null,
  items: [],
  deletes: [],
  checkpoint,
  state,
});

async function listAll(store: ConnectorStateStore, sourceId: string, prefix?: string, limit = 2): Promise<string[]> {
  const keys: string[] = [];
  let after: string | undefined;
  for (;;) {
    const rows = await store.listConnectorState(sourceId, { prefix, after, limit });
    keys.push(...rows.map(([k]) => k));
    if (rows.length < limit) return keys;
    after = rows[rows.length - 1]![0];
  }
}

/** Connector state: per-source records written with a page, read by key and by prefix in byte order. */
export function connectorStateContract(getStore: () => StateStores): void {
  describe('connector state', () => {
    it('sets, overwrites and deletes records with the page; JSON values round-trip', async () => {
      const store = getStore();
      const s = await newSource(store);
      const value = { mtimeMs: 1733390000123, hash: 'ab12', tags: ['x', 'ü'], nested: { n: null, ok: true } };
      await store.commitPage(page(s.id, { set: { 'notes/a.md': value, 'notes/b.md': 1, 'notes/c.md': 'three' } }));
      expect(await store.getConnectorState(s.id, ['notes/a.md', 'notes/zz.md', 'notes/c.md'])).toEqual(
        new Map<string, unknown>([
          ['notes/a.md', value],
          ['notes/c.md', 'three'],
        ]),
      );
      // delete applies before set: a key in both ends up set
      await store.commitPage(
        page(s.id, { delete: ['notes/b.md', 'notes/c.md', 'never-there'], set: { 'notes/c.md': [3] } }, { p: 2 }),
      );
      expect(await listAll(store, s.id)).toEqual(['notes/a.md', 'notes/c.md']);
      expect((await store.getConnectorState(s.id, ['notes/c.md'])).get('notes/c.md')).toEqual([3]);
      expect(await store.getCheckpoint(s.id)).toEqual({ p: 2 });
      expect((await store.getConnectorState(s.id, [])).size).toBe(0);
    });

    it('lists by prefix in byte order with keyset paging, exactly at the prefix boundary', async () => {
      const store = getStore();
      const s = await newSource(store);
      const keys = ['a/1', 'a/2', 'a/3', 'a0', 'a', 'a/é', 'a/\u{1F600}', 'a/Z', 'b/1', 'a/\uFFFF', 'a/\u{10FFFF}x'];
      await store.commitPage(page(s.id, { set: Object.fromEntries(keys.map((k) => [k, k.length])) }));
      const bytewise = (xs: string[]) =>
        [...xs].sort((x, y) => Buffer.compare(Buffer.from(x, 'utf8'), Buffer.from(y, 'utf8')));
      expect(await listAll(store, s.id)).toEqual(bytewise(keys));
      expect(await listAll(store, s.id, 'a/')).toEqual(bytewise(keys.filter((k) => k.startsWith('a/'))));
      expect(await listAll(store, s.id, 'a/', 100)).toEqual(bytewise(keys.filter((k) => k.startsWith('a/'))));
      expect(await listAll(store, s.id, 'b')).toEqual(['b/1']);
      expect(await listAll(store, s.id, 'zz')).toEqual([]);
      const rows = await store.listConnectorState(s.id, { prefix: 'a/', after: 'a/2', limit: 1 });
      expect(rows).toEqual([['a/3', 3]]);
      // `after` outside the prefix: before it starts at the prefix, past it nothing is left.
      expect((await store.listConnectorState(s.id, { prefix: 'a/', after: 'a', limit: 1 }))[0]![0]).toBe('a/1');
      expect(await store.listConnectorState(s.id, { prefix: 'a/', after: 'a0', limit: 5 })).toEqual([]);
    });

    it('is per source; clear drops the old records in the same commit; purge and delete remove it', async () => {
      const store = getStore();
      const s1 = await newSource(store, 's1');
      const s2 = await newSource(store, 's2');
      await store.commitPage(page(s1.id, { set: { k1: 1, k2: 2 } }));
      await store.commitPage(page(s2.id, { set: { k1: 'other' } }));
      await store.commitPage(page(s1.id, { clear: true, set: { k3: 3 } }, { p: 9 }));
      expect(await listAll(store, s1.id)).toEqual(['k3']);
      expect((await store.getConnectorState(s2.id, ['k1'])).get('k1')).toBe('other');
      await store.purgeSourceData(s1.id);
      expect(await listAll(store, s1.id)).toEqual([]);
      expect(await store.getCheckpoint(s1.id)).toBeNull();
      await store.deleteSource(s2.id);
      expect(await listAll(store, s2.id)).toEqual([]);
    });

    it('commits state atomically with the page: a failing commit leaves state, items and checkpoint as they were', async () => {
      const store = getStore();
      const s = await newSource(store);
      await store.commitPage({ ...page(s.id, { set: { kept: 1 } }), items: prepared([chat('a', 'first')]) });
      const bad = prepared([chat('b', 'second')]);
      // A run id of a run that does not exist is fine; a source that does not exist violates a foreign key.
      await expect(
        store.commitPage({ ...page('no-such-source', { set: { lost: 1 } }, { p: 2 }), items: bad }),
      ).rejects.toThrow();
      expect(await listAll(store, 'no-such-source')).toEqual([]);
      // A value that is not JSON (a BigInt) fails the commit: the whole page changes nothing.
      await expect(
        store.commitPage({
          ...page(s.id, { delete: ['kept'], set: { ok: 1, bad: BigInt(1) } }, { p: 3 }),
          items: bad,
        }),
      ).rejects.toThrow();
      expect(await listAll(store, s.id)).toEqual(['kept']);
      expect(await store.getCheckpoint(s.id)).toEqual({ p: 1 });
      expect(await store.getMemoryByExternalId(s.id, 'b')).toBeNull();
    });
  });
}
