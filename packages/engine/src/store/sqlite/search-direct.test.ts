import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chat, filler, newSource, prepared } from '../contract-support.js';
import { rankedSearch } from '../../search/ranked-search.js';
import { createSqliteStore } from './index.js';
import { DIRECT_MATCHES } from './search.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-search-direct-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SQLite direct keyword path (unfiltered, one chunk per memory)', () => {
  it('answers exactly what the general path answers, with the exact total', async () => {
    const store = createSqliteStore({ path: path.join(dir, 'direct.db') });
    await store.migrate();
    const s = await newSource(store);
    // 45 notes: "egret" once to four times, in texts of different lengths (bm25 differs), importance from none to
    // high (the boost reorders the candidates), some with equal scores (ties go by memory id).
    const items = Array.from({ length: 45 }, (_, i) =>
      chat(`n${i}`, `${'egret '.repeat(1 + (i % 4))}${i % 3 === 0 ? 'heron ' : ''}${filler('x', i % 7)}`),
    );
    await store.commitPage({ sourceId: s.id, runId: null, checkpoint: undefined, items: prepared(items), deletes: [] });
    const ids = store.db.prepare(`SELECT id FROM memories ORDER BY id`).pluck().all() as number[];
    const setImportance = store.db.prepare(`UPDATE memories SET importance = ? WHERE id = ?`);
    ids.forEach((id, i) => setImportance.run(i % 5 === 0 ? null : ((i * 37) % 100) / 100, id));
    await store.commitPage({ sourceId: s.id, runId: null, checkpoint: undefined, items: [], deletes: ['n1', 'n2'] });

    const queries = [
      { text: 'egret', limit: 10 },
      { text: 'egret', limit: 10, offset: 10 },
      { text: 'egret', limit: 7, offset: 38 },
      { text: 'egret heron', limit: 5 },
      { text: 'egret', limit: 10, offset: 60 },
      { text: 'nothing', limit: 10 },
    ];
    const direct = [];
    for (const q of queries) direct.push(await store.search(q));
    // Full pages carry the exact total (43 live notes; 14 with heron, n0–n42 by 3 minus none deleted): the general
    // path would leave it to a count.
    expect(direct[0]!.total).toBe(43);
    expect(direct[0]!.hits).toHaveLength(10);
    expect(direct[3]!.total).toBe(15);
    expect(direct[4]!.hits).toEqual([]);
    expect(direct[5]).toEqual({ hits: [] });
    expect(direct.flatMap((d) => d.hits).some((h) => ['n1', 'n2'].includes(h.externalId))).toBe(false);
    const engineDirect = await rankedSearch({ store }, { text: 'egret', limit: 10 });
    expect(engineDirect).toMatchObject({ total: 43, totalExact: true });
    // One-phrase queries took the single statement (tribm25's count); without the extension, the counted form in a
    // transaction answers the same, total included.
    const counted = createSqliteStore({ path: path.join(dir, 'direct.db'), nativeRanking: false });
    for (const [i, q] of queries.entries()) expect(await counted.search(q), JSON.stringify(q)).toEqual(direct[i]);
    await counted.close();

    // A sibling row turns the direct path off: the general path must agree. (A real multi-chunk memory would change
    // bm25's corpus statistics, so every score; this row names a chunk that never exists.)
    store.db.prepare(`INSERT INTO chunk_siblings (id, memory_id) VALUES (-1, -1)`).run();
    for (const [i, q] of queries.entries()) {
      const general = await store.search(q);
      expect(general.hits, JSON.stringify(q)).toEqual(direct[i]!.hits);
      if (general.total !== undefined) expect(general.total).toBe(direct[i]!.total);
    }
    expect((await store.search(queries[0]!)).total).toBeUndefined();
    expect(await rankedSearch({ store }, { text: 'egret', limit: 10 })).toEqual(engineDirect);
    await store.close();
  });

  it('looks up fewer candidates when importances lie close, and still answers what the general path answers', async () => {
    const store = createSqliteStore({ path: path.join(dir, 'narrow.db') });
    await store.migrate();
    const s = await newSource(store);
    const items = Array.from({ length: 60 }, (_, i) =>
      chat(`n${i}`, `${'ibis '.repeat(1 + (i % 5))}${filler('y', (i * 7) % 11)}`),
    );
    await store.commitPage({ sourceId: s.id, runId: null, checkpoint: undefined, items: prepared(items), deletes: [] });
    const ids = store.db.prepare(`SELECT id FROM memories ORDER BY id`).pluck().all() as number[];
    const setImportance = store.db.prepare(`UPDATE memories SET importance = ? WHERE id = ?`);
    const bounds = () => store.db.prepare(`SELECT lo, hi FROM importance_bounds`).get();
    // The range holds every importance ever written (a row is inserted without one, then scored: 0 stays in it).
    const actual = store.db
      .prepare(`SELECT min(coalesce(importance, 0)) AS lo, max(coalesce(importance, 0)) AS hi FROM memories`)
      .get() as { lo: number; hi: number };
    const before = bounds() as { lo: number; hi: number };
    expect(before.lo).toBeLessThanOrEqual(actual.lo);
    expect(before.hi).toBe(actual.hi);
    store.db.prepare(`UPDATE importance_bounds SET lo = 0.4, hi = 0.4`).run(); // as if every memory had 0.4
    ids.forEach((id, i) => setImportance.run(0.4 + ((i * 13) % 21) / 1000, id));
    expect(bounds()).toEqual({ lo: 0.4, hi: 0.4 + 20 / 1000 });
    const queries = [
      { text: 'ibis', limit: 10 },
      { text: 'ibis', limit: 10, offset: 10 },
      { text: 'ibis', limit: 20, offset: 35 },
      { text: 'ibis y3', limit: 4 },
    ];
    const direct = [];
    for (const q of queries) direct.push(await store.search(q));
    expect(direct[0]!.total).toBe(60);
    store.db.prepare(`INSERT INTO chunk_siblings (id, memory_id) VALUES (-1, -1)`).run();
    for (const [i, q] of queries.entries())
      expect((await store.search(q)).hits, JSON.stringify(q)).toEqual(direct[i]!.hits);
    // A new memory of importance 0.9 widens the range.
    setImportance.run(0.9, ids[3]);
    expect(bounds()).toEqual({ lo: 0.4, hi: 0.9 });
    await store.close();
  });

  it('migration 13 fills the importance range of an existing store', async () => {
    const store = createSqliteStore({ path: path.join(dir, 'bounds.db') });
    await store.migrate();
    const s = await newSource(store);
    await store.commitPage({
      sourceId: s.id,
      runId: null,
      checkpoint: undefined,
      items: prepared([chat('a', 'one'), chat('b', 'two'), chat('c', 'three')]),
      deletes: [],
    });
    store.db.exec(
      `DROP TRIGGER memories_importance_ai; DROP TRIGGER memories_importance_au; DROP TABLE importance_bounds;`,
    );
    store.db.prepare(`UPDATE memories SET importance = 0.7 WHERE external_id = 'a'`).run();
    store.db.prepare(`UPDATE memories SET importance = 0.2 WHERE external_id = 'b'`).run();
    store.db.prepare(`UPDATE memories SET importance = NULL WHERE external_id = 'c'`).run();
    store.db.prepare(`DELETE FROM schema_migrations WHERE version >= 13`).run();
    await store.migrate();
    // c has none: 0, as the boost counts it.
    expect(store.db.prepare(`SELECT lo, hi FROM importance_bounds`).get()).toEqual({ lo: 0, hi: 0.7 });
    await store.close();
  });

  it('a store created empty takes its range from the memories it gets; migration 14 repairs a range begun at 0', async () => {
    const store = createSqliteStore({ path: path.join(dir, 'empty-start.db') });
    await store.migrate();
    const bounds = () => store.db.prepare(`SELECT lo, hi FROM importance_bounds`).get() as { lo: number; hi: number };
    expect(bounds().lo).toBeGreaterThan(bounds().hi); // empty: no importance yet
    const s = await newSource(store);
    const items = ['a', 'b', 'c'].map((id) => chat(id, `heron ${id}`, { title: id === 'b' ? 'URGENT: heron' : id }));
    await store.commitPage({ sourceId: s.id, runId: null, checkpoint: undefined, items: prepared(items), deletes: [] });
    const actual = store.db
      .prepare(`SELECT min(coalesce(importance, 0)) AS lo, max(coalesce(importance, 0)) AS hi FROM memories`)
      .get() as { lo: number; hi: number };
    expect(actual.lo).toBeGreaterThan(0); // the pipeline scores every memory
    expect(bounds()).toEqual(actual);
    // A store of before: its range started at 0–0 when it was empty, and only ever widened.
    store.db.prepare(`UPDATE importance_bounds SET lo = 0`).run();
    store.db.prepare(`DELETE FROM schema_migrations WHERE version >= 14`).run();
    await store.migrate();
    expect(bounds()).toEqual(actual);
    await store.close();
  });

  it(`leaves a query of more than ${DIRECT_MATCHES} matches to the general path`, async () => {
    const store = createSqliteStore({ path: path.join(dir, 'many.db') });
    await store.migrate();
    const s = await newSource(store);
    const items = Array.from({ length: DIRECT_MATCHES + 1 }, (_, i) => chat(`n${i}`, `plover ${i}`));
    await store.commitPage({ sourceId: s.id, runId: null, checkpoint: undefined, items: prepared(items), deletes: [] });
    expect((await store.search({ text: 'plover', limit: 10 })).total).toBeUndefined();
    expect(await rankedSearch({ store }, { text: 'plover', limit: 10 })).toMatchObject({
      total: DIRECT_MATCHES,
      totalExact: false,
    });
    await store.commitPage({ sourceId: s.id, runId: null, checkpoint: undefined, items: [], deletes: ['n0'] });
    expect((await store.search({ text: 'plover', limit: 10 })).total).toBe(DIRECT_MATCHES);
    await store.close();
  });

  it('reuses "more than 1,000" for the count right after, and never once anything was written', async () => {
    const file = path.join(dir, 'memo.db');
    const store = createSqliteStore({ path: file });
    await store.migrate();
    const s = await newSource(store);
    const items = Array.from({ length: DIRECT_MATCHES + 2 }, (_, i) => chat(`n${i}`, `tern ${i}`));
    await store.commitPage({ sourceId: s.id, runId: null, checkpoint: undefined, items: prepared(items), deletes: [] });
    const over = { total: DIRECT_MATCHES, exact: false };
    await store.search({ text: 'tern', limit: 10 });
    expect(await store.countMatches({ text: 'tern' }, DIRECT_MATCHES)).toEqual(over);
    // A write of this connection: counted again (1,000 left, exact).
    await store.commitPage({ sourceId: s.id, runId: null, checkpoint: undefined, items: [], deletes: ['n0', 'n1'] });
    expect(await store.countMatches({ text: 'tern' }, DIRECT_MATCHES)).toEqual({ total: DIRECT_MATCHES, exact: true });
    // A write of another connection (another process on the same file) after the search: counted again too.
    await store.commitPage({
      sourceId: s.id,
      runId: null,
      checkpoint: undefined,
      items: prepared(items.slice(0, 2)),
      deletes: [],
    });
    await store.search({ text: 'tern', limit: 10 });
    const other = createSqliteStore({ path: file });
    await other.commitPage({
      sourceId: s.id,
      runId: null,
      checkpoint: undefined,
      items: [],
      deletes: ['n0', 'n1', 'n2'],
    });
    await other.close();
    expect(await store.countMatches({ text: 'tern' }, DIRECT_MATCHES)).toEqual({ total: 999, exact: true });
    // Filters never use it, and another query neither.
    await store.search({ text: 'tern', limit: 10 });
    expect(await store.countMatches({ text: 'tern', sourceIds: [s.id] }, 2000)).toEqual({ total: 999, exact: true });
    expect(await store.countMatches({ text: 'tern 5' }, DIRECT_MATCHES)).toEqual({ total: 1, exact: true });
    await store.close();
  });
});
