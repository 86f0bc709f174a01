import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chat, filler, newSource, prepared } from '../contract-support.js';
import { rankedSearch } from '../../search/ranked-search.js';
import { createSqliteStore } from './index.js';
import { candidateBudgets, candidatesSql, RANK_INDEX } from './search.js';
import { rankSql } from './native-ranking.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-search-candidates-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SQLite keyword search candidates (the fast path ranks the best chunks by bm25 only)', () => {
  it('fills the page in bm25 order when the best chunks belong to a few memories of many chunks', async () => {
    const store = createSqliteStore({ path: path.join(dir, 'many-chunks.db') });
    await store.migrate();
    const s = await newSource(store);
    // Memory m<i>: 8 paragraphs (one chunk each) saying "wren" 12 - i times: the 30 best chunks are m0–m3's only,
    // so the first budget holds 4 memories and a page of 10 needs more candidates.
    const paragraph = (i: number, p: number): string => `${'wren '.repeat(12 - i)}${filler(`p${p}x`, 260)}`;
    const items = Array.from({ length: 12 }, (_, i) =>
      chat(`m${i}`, Array.from({ length: 8 }, (_, p) => paragraph(i, p)).join('\n\n')),
    );
    await store.commitPage({ sourceId: s.id, runId: null, checkpoint: undefined, items: prepared(items), deletes: [] });
    const chunksOfM0 = store.db
      .prepare(`SELECT count(*) FROM chunks c JOIN memories m ON m.id = c.memory_id WHERE m.external_id = 'm0'`)
      .pluck()
      .get() as number;
    expect(chunksOfM0 * 4).toBeGreaterThanOrEqual(candidateBudgets(10)[0]!);
    const { hits } = await store.search({ text: 'wren', limit: 10 });
    expect(hits.map((h) => h.externalId)).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`));
    const next = await store.search({ text: 'wren', limit: 10, offset: 10 });
    expect(next.hits.map((h) => h.externalId)).toEqual(['m10', 'm11']);
    await store.close();
  });

  it('keeps memories a filter hides out of the page, and a short candidate list is every match', async () => {
    const store = createSqliteStore({ path: path.join(dir, 'filtered.db') });
    await store.migrate();
    const a = await newSource(store, 'a');
    const b = await newSource(store, 'b');
    const page = async (sourceId: string, items: ReturnType<typeof chat>[]): Promise<void> => {
      await store.commitPage({ sourceId, runId: null, checkpoint: undefined, items: prepared(items), deletes: [] });
    };
    // Source a's notes say "plover" twice (better bm25): they fill the best candidates but the filter hides them.
    await page(
      a.id,
      Array.from({ length: 15 }, (_, i) => chat(`a${i}`, `plover plover note ${i}`)),
    );
    await page(
      b.id,
      Array.from({ length: 5 }, (_, i) => chat(`b${i}`, `plover note ${i} of b`)),
    );
    await page(b.id, [chat('b-gone', 'plover plover plover soon tombstoned')]);
    await store.commitPage({ sourceId: b.id, runId: null, checkpoint: undefined, items: [], deletes: ['b-gone'] });
    const { hits } = await store.search({ text: 'plover', limit: 10, sourceIds: [b.id] });
    expect(hits.map((h) => h.externalId).sort()).toEqual(['b0', 'b1', 'b2', 'b3', 'b4']);
    const unfiltered = await store.search({ text: 'plover', limit: 10 });
    expect(unfiltered.hits.every((h) => h.externalId.startsWith('a'))).toBe(true);
    await store.close();
  });

  it('gives a hit every field the page shows, on the fast path and on the slow one', async () => {
    const store = createSqliteStore({ path: path.join(dir, 'fields.db') });
    await store.migrate();
    const s = await newSource(store, 'notes', { sourceType: 'obsidian' });
    const full = chat('full', 'kestrel over the ridge', {
      title: 'Field notes',
      url: 'https://example.org/full',
      author: 'ann',
      container: 'vault',
      thread: 't1',
      occurredAt: '2026-03-04T05:06:07.000Z',
      tags: ['birds'],
    });
    // More matches than the larger budget, only one of them by ann: the author filter takes the slow path.
    const others = Array.from({ length: candidateBudgets(10)[1]! + 10 }, (_, i) => chat(`k${i}`, `kestrel ${i}`));
    await store.commitPage({
      sourceId: s.id,
      runId: null,
      checkpoint: undefined,
      items: prepared([full, ...others]),
      deletes: [],
    });
    const id = (await store.search({ text: 'ridge' })).hits[0]!.memoryId;
    await store.setEnrichment([{ id, importance: 0.75, domain: 'nature' }]);
    const expected = {
      memoryId: id,
      sourceId: s.id,
      sourceName: 'notes',
      connector: 'obsidian',
      externalId: 'full',
      stream: 'messages',
      title: 'Field notes',
      url: 'https://example.org/full',
      author: 'ann',
      container: 'vault',
      thread: 't1',
      occurredAt: '2026-03-04T05:06:07.000Z',
      tags: ['birds'],
      importance: 0.75,
      domain: 'nature',
    };
    const fast = (await store.search({ text: 'ridge' })).hits[0]!;
    expect(fast).toMatchObject(expected);
    expect(fast.snippet).toContain('<mark>ridge</mark>');
    const slow = await store.search({ text: 'kestrel', authors: ['ann'] });
    expect(slow.hits).toHaveLength(1);
    expect(slow.hits[0]).toMatchObject(expected);
    expect(slow.hits[0]!.snippet).toContain('<mark>kestrel</mark>');
    await store.close();
  });

  it('says how many memories match when its candidates were every match, so a full page needs no count', async () => {
    const store = createSqliteStore({ path: path.join(dir, 'total.db') });
    await store.migrate();
    const s = await newSource(store);
    const items = Array.from({ length: 20 }, (_, i) => chat(`m${i}`, `heron note ${i}`));
    items.push(chat('long', `heron ${filler('w', 700)} heron again`)); // two matching chunks, one memory
    await store.commitPage({ sourceId: s.id, runId: null, checkpoint: undefined, items: prepared(items), deletes: [] });
    await store.commitPage({ sourceId: s.id, runId: null, checkpoint: undefined, items: [], deletes: ['m0'] });
    expect((await store.search({ text: 'heron', limit: 10 })).total).toBe(20);
    // More matches than the first budget's candidates: the store does not know the total.
    expect((await store.search({ text: 'note', limit: 3 })).total).toBeUndefined();
    let counts = 0;
    const counting = Object.assign(Object.create(store) as typeof store, {
      countMatches: (...args: Parameters<typeof store.countMatches>) => {
        counts++;
        return store.countMatches(...args);
      },
    });
    const page = await rankedSearch({ store: counting }, { text: 'heron', limit: 10, mode: 'keyword' });
    expect(page.hits).toHaveLength(10);
    expect({ total: page.total, exact: page.totalExact, counts }).toEqual({ total: 20, exact: true, counts: 0 });
    expect(await store.countMatches({ text: 'heron' }, 1000)).toEqual({ total: 20, exact: true });
    await store.close();
  });

  it("reads the candidates' ranking columns from an index unfiltered (not the rows, whose long text comes first)", async () => {
    const store = createSqliteStore({ path: path.join(dir, 'rank-index.db') });
    await store.migrate();
    const s = await newSource(store);
    const long = (id: string) => chat(id, `ibis ${filler(id, 3000)}`); // rows of several overflow pages each
    const items = [...Array.from({ length: 12 }, (_, i) => long(`m${i}`)), chat('short', 'ibis')];
    await store.commitPage({ sourceId: s.id, runId: null, checkpoint: undefined, items: prepared(items), deletes: [] });
    await store.commitPage({ sourceId: s.id, runId: null, checkpoint: undefined, items: [], deletes: ['m3'] });
    const plan = (filter: string, params: unknown[]) =>
      (
        store.db
          .prepare(`EXPLAIN QUERY PLAN ${candidatesSql(rankSql(store.db), filter)}`)
          .all(...params, 'ibis', 10_000, 30) as Array<{ detail: string }>
      ).map((r) => r.detail);
    expect(plan('', [])).toContain(`SEARCH m USING COVERING INDEX ${RANK_INDEX} (id=?)`);
    // A filter reads other columns of the memory: its row, looked up by id.
    expect(plan(' AND m.author = ?', ['x'])).toContain('SEARCH m USING INTEGER PRIMARY KEY (rowid=?)');
    // The answer through the index: every live memory, the deleted one hidden, importance boosts as from the rows.
    const { hits, total } = await store.search({ text: 'ibis', limit: 20 });
    expect(hits.map((h) => h.externalId).sort()).toEqual(
      items
        .map((i) => i.externalId)
        .filter((id) => id !== 'm3')
        .sort(),
    );
    expect(total).toBe(12);
    // A store of before (migration 14) gets the index when it migrates.
    store.db.exec(`DROP INDEX ${RANK_INDEX}`);
    store.db.prepare(`DELETE FROM schema_migrations WHERE version >= 15`).run();
    await store.migrate();
    const indexes = store.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index'`).pluck().all();
    expect(indexes).toContain(RANK_INDEX);
    await store.close();
  });
});
