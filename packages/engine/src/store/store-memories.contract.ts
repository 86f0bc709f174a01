import { describe, expect, it } from 'vitest';
import type { MemoryStore } from './types.js';
import { chat, newSource, prepared } from './contract-support.js';

/** The write path, versions, tombstones, search and timeline part of the store contract. */
export function memoryContract(getStore: () => MemoryStore): void {
  describe('memories', () => {
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

    it('search: bm25 ranking, highlighted snippets, filters, owner isolation, tags', async () => {
      const store = getStore();
      const s1 = await newSource(store, 'notes', { sourceType: 'obsidian' });
      const s2 = await newSource(store, 'chat', { sourceType: 'slack' });
      await store.commitPage({
        sourceId: s1.id,
        runId: null,
        items: prepared([
          chat('n1', 'database index tuning for the search engine; database database', {
            author: 'ann',
            container: 'vault',
            occurredAt: '2026-01-02T00:00:00Z',
            tags: ['perf'],
          }),
          chat('n2', 'a note that mentions database once among many other words here', {
            author: 'bob',
            occurredAt: '2026-02-01T00:00:00Z',
          }),
        ]),
        deletes: [],
        checkpoint: undefined,
      });
      await store.commitPage({
        sourceId: s2.id,
        runId: null,
        items: prepared([
          chat('m1', 'talking about the database in #general', {
            author: 'ann',
            container: 'C1',
            stream: 'messages',
            thread: 't1',
          }),
        ]),
        deletes: [],
        checkpoint: undefined,
      });
      const all = await store.search({ text: 'database' });
      expect(all.hits).toHaveLength(3);
      expect(all.hits[0]!.externalId).toBe('n1');
      expect(all.hits[0]!.snippet).toContain('<mark>database</mark>');
      expect(all.hits[0]).toMatchObject({ sourceName: 'notes', connector: 'obsidian' });
      expect(all.hits[0]!.score).toBeGreaterThanOrEqual(all.hits[1]!.score);
      // Each hit's snippet comes from its own text.
      const byId = Object.fromEntries(all.hits.map((h) => [h.externalId, h.snippet]));
      expect(byId.m1).toContain('talking about');
      expect(byId.n2).toContain('mentions');
      expect((await store.search({ text: 'database', connectors: ['slack'] })).hits.map((h) => h.externalId)).toEqual([
        'm1',
      ]);
      expect((await store.search({ text: 'database', sourceIds: [s1.id] })).hits).toHaveLength(2);
      expect((await store.search({ text: 'database', authors: ['ann'] })).hits).toHaveLength(2);
      expect((await store.search({ text: 'database', containers: ['C1'] })).hits).toHaveLength(1);
      expect((await store.search({ text: 'database', threads: ['t1'] })).hits).toHaveLength(1);
      expect(
        (await store.search({ text: 'database', since: '2026-01-15T00:00:00Z' })).hits.map((h) => h.externalId),
      ).toEqual(['n2']);
      expect(
        (await store.search({ text: 'database', until: '2026-01-15T00:00:00Z' })).hits.map((h) => h.externalId).sort(),
      ).toEqual(['m1', 'n1']);
      expect((await store.search({ text: 'database', tags: ['perf'] })).hits.map((h) => h.externalId)).toEqual(['n1']);
      expect((await store.search({ text: 'database', tags: ['general'] })).hits.map((h) => h.externalId)).toEqual([
        'm1',
      ]);
      expect((await store.search({ text: 'database', ownerId: 'nobody' })).hits).toHaveLength(0);
      expect((await store.search({ text: 'database', limit: 1, offset: 1 })).hits).toHaveLength(1);
      expect((await store.search({ text: 'datab*' })).hits).toHaveLength(3);
      expect((await store.search({ text: 'database -engine' })).hits.map((h) => h.externalId).sort()).toEqual([
        'm1',
        'n2',
      ]);
      expect((await store.search({ text: '"index tuning"' })).hits.map((h) => h.externalId)).toEqual(['n1']);
    });

    it('search: a selective filter still finds matches ranked below many others', async () => {
      const store = getStore();
      const crowded = await newSource(store, 'crowded');
      const quiet = await newSource(store, 'quiet');
      const many = Array.from({ length: 300 }, (_, i) => chat(`c${i}`, `common common common word ${i}`));
      await store.commitPage({
        sourceId: crowded.id,
        runId: null,
        items: prepared(many),
        deletes: [],
        checkpoint: undefined,
      });
      await store.commitPage({
        sourceId: quiet.id,
        runId: null,
        items: prepared([chat('q', 'a long message where common appears only once among many other words')]),
        deletes: [],
        checkpoint: undefined,
      });
      expect(
        (await store.search({ text: 'common', sourceIds: [quiet.id], limit: 5 })).hits.map((h) => h.externalId),
      ).toEqual(['q']);
      const page1 = await store.search({ text: 'common', limit: 50 });
      const page2 = await store.search({ text: 'common', limit: 50, offset: 50 });
      expect(page1.hits).toHaveLength(50);
      expect(new Set([...page1.hits, ...page2.hits].map((h) => h.memoryId)).size).toBe(100);
    });

    it('search: user input never crashes; bad advanced syntax is invalid_query', async () => {
      const store = getStore();
      const s = await newSource(store);
      await store.commitPage({
        sourceId: s.id,
        runId: null,
        items: prepared([chat('a', 'C++ and node.js: AND OR NOT "quotes" (parens) col:on')]),
        deletes: [],
        checkpoint: undefined,
      });
      for (const q of ['C++', 'node.js', 'AND', '"unbalanced', '(parens', 'col:on', 'NOT', 'a OR']) {
        await expect(store.search({ text: q })).resolves.toBeDefined();
      }
      expect((await store.search({ text: 'node.js' })).hits).toHaveLength(1);
      await expect(store.search({ text: '"unbalanced', syntax: 'fts' })).rejects.toMatchObject({
        code: 'invalid_query',
      });
      await expect(store.search({ text: 'a AND', syntax: 'fts' })).rejects.toMatchObject({ code: 'invalid_query' });
      await expect(store.search({ text: '   ' })).rejects.toMatchObject({ code: 'invalid_query' });
      await expect(store.search({ text: '^*' })).rejects.toMatchObject({ code: 'invalid_query' });
      // The engine's own syntax: text both engines refuse (or that has no word at all) is invalid_query on both,
      // never an internal error. (Each engine is lenient where the other is not: `a &` is fine in FTS5.)
      for (const q of ['*', '* node', '"', '(a', '+', 'NEAR(', '\\', '\u0000']) {
        await expect(store.search({ text: q, syntax: 'fts' }), q).rejects.toMatchObject({ code: 'invalid_query' });
      }
    });

    it('timeline: ordered by time with a stable cursor, thread filter, no tombstones', async () => {
      const store = getStore();
      const s = await newSource(store);
      const items = Array.from({ length: 25 }, (_, i) =>
        chat(`m${i}`, `message ${i}`, {
          occurredAt: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
          thread: i % 2 ? 'odd' : 'even',
        }),
      );
      await store.commitPage({
        sourceId: s.id,
        runId: null,
        items: prepared(items),
        deletes: ['m24'],
        checkpoint: undefined,
      });
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.timeline({ sourceIds: [s.id], limit: 10, cursor });
        seen.push(...page.entries.map((e) => e.externalId));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(seen).toEqual(Array.from({ length: 24 }, (_, i) => `m${23 - i}`));
      const asc = await store.timeline({ threads: ['odd'], order: 'asc', limit: 3 });
      expect(asc.entries.map((e) => e.externalId)).toEqual(['m1', 'm3', 'm5']);
      expect(asc.entries[0]!.preview).toBe('message 1');
      await expect(store.timeline({ cursor: 'garbage!' })).rejects.toMatchObject({ code: 'invalid_input' });
    });

    it('long markdown is chunked by headings and every chunk is searchable', async () => {
      const store = getStore();
      const s = await newSource(store);
      const body = [
        '# Intro',
        'alpha '.repeat(400),
        '## Middle',
        'bravo '.repeat(400),
        '## End',
        'zeppelin '.repeat(300),
      ].join('\n\n');
      await store.commitPage({
        sourceId: s.id,
        runId: null,
        items: prepared([chat('doc', body, { contentType: 'markdown', stream: 'documents', title: 'Big doc' })]),
        deletes: [],
        checkpoint: undefined,
      });
      const hit = (await store.search({ text: 'zeppelin' })).hits;
      expect(hit.map((h) => h.externalId)).toEqual(['doc']);
      expect(hit[0]!.snippet).toContain('<mark>zeppelin</mark>');
      expect((await store.search({ text: 'Big' })).hits).toHaveLength(1);
    });

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
    });
  });
}
