import { describe, expect, it } from 'vitest';
import type { SearchStore } from './search.js';
import type { SourceStore } from './sources.js';
import type { WriteStore } from './write-path.js';
import { chat, newSource, prepared } from '../contract-support.js';

/** Full-text search (ranking, snippets, filters, owner isolation, bad syntax), chunking, the timeline. */
export function searchContract(getStore: () => SearchStore & SourceStore & WriteStore): void {
  describe('search and timeline', () => {
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
  });
}
