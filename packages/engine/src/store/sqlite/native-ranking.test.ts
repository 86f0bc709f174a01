import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { chat, newSource, prepared } from '../contract-support.js';
import { createSqliteStore } from './index.js';
import { loadNativeRanking, NATIVE_RANKING_PATH, rankSql } from './native-ranking.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-native-ranking-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A deterministic corpus: word i of 400 drawn with probability falling steeply with i (w0 in most rows, w350 in few).
function corpus(rows: number): Array<{ title: string; body: string }> {
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const word = () => `w${Math.floor(400 * rnd() ** 3)}`;
  return Array.from({ length: rows }, () => ({
    title: `${word()} ${word()}`,
    body: Array.from({ length: 16 }, word).join(' '),
  }));
}

/** An in-memory contentless FTS5 table `f` (title, body) of the corpus, with the extension loaded. */
function corpusTable(rows: number): Database.Database {
  const db = new Database(':memory:');
  loadNativeRanking(db, true);
  db.exec(`CREATE VIRTUAL TABLE f USING fts5(title, body, content='', contentless_delete=1)`);
  const insert = db.prepare('INSERT INTO f(rowid, title, body) VALUES (?, ?, ?)');
  db.transaction(() => corpus(rows).forEach((r, i) => insert.run(i + 1, r.title, r.body)))();
  return db;
}

describe('tribm25, the FTS5 ranking extension', () => {
  it('is built by npm run build and loads', () => {
    // CI builds it (build-essential): without it every common-word search pays bm25's full count.
    expect(existsSync(NATIVE_RANKING_PATH)).toBe(true);
    const db = new Database(':memory:');
    expect(loadNativeRanking(db, true)).toBe(true);
    expect(rankSql(db)).toMatch(/^tribm25\(/);
    const plain = new Database(':memory:');
    expect(loadNativeRanking(plain, false)).toBe(false);
    expect(rankSql(plain)).toMatch(/^bm25\(/);
    // Present but not loadable (another platform's build, a truncated file): said, with what to do, not ignored.
    const broken = path.join(dir, 'tribm25.so');
    writeFileSync(broken, 'not a shared object');
    expect(() => loadNativeRanking(plain, true, broken)).toThrow(
      expect.objectContaining({ code: 'store_unavailable', message: expect.stringMatching(/npm run build/) }),
    );
    expect(rankSql(plain)).toMatch(/^bm25\(/);
  });

  it('scores as bm25 exactly up to 2,000 rows of a phrase, and within a few percent beyond, with the same best rows', () => {
    const db = corpusTable(30_000);
    const count = db.prepare(`SELECT count(*) FROM f WHERE f MATCH ?`).pluck();
    const bm25 = db.prepare(`SELECT rowid, bm25(f, 2.0, 1.0) AS s FROM f WHERE f MATCH ? ORDER BY s, rowid LIMIT 20`);
    const bounded = db.prepare(
      `SELECT rowid, tribm25(f, 1, 30000, 2.0, 1.0) AS s FROM f WHERE f MATCH ? ORDER BY s, rowid LIMIT 20`,
    );
    const unbounded = db.prepare(
      `SELECT rowid, tribm25(f, NULL, NULL, 2.0, 1.0) AS s FROM f WHERE f MATCH ? ORDER BY s, rowid LIMIT 20`,
    );

    // Rare phrases (and pairs of them): counted to the end, bit-for-bit bm25.
    for (const q of ['w390', 'w300', 'w250 w390', '"w300 w310"']) {
      for (const w of q.replace(/"/g, '').split(' ')) expect(count.get(w)).toBeLessThanOrEqual(2000);
      expect(bounded.all(q)).toEqual(bm25.all(q));
    }
    // Without bounds every phrase is counted: bm25 whatever its size.
    for (const q of ['w0', 'w2 w5']) expect(unbounded.all(q)).toEqual(bm25.all(q));

    // Common phrases (thousands of rows): the count is estimated, scores stay within 3% and the best rows agree.
    for (const q of ['w0', 'w3', 'w1 w4', 'w10 w60']) {
      const words = q.split(' ');
      expect(Math.max(...words.map((w) => count.get(w) as number))).toBeGreaterThan(2000);
      const exact = bm25.all(q) as Array<{ rowid: number; s: number }>;
      const estimated = bounded.all(q) as Array<{ rowid: number; s: number }>;
      const byRow = new Map(exact.map((r) => [r.rowid, r.s]));
      const shared = estimated.filter((r) => byRow.has(r.rowid));
      expect(shared.length).toBeGreaterThanOrEqual(16);
      for (const r of shared) expect(Math.abs(r.s / byRow.get(r.rowid)! - 1)).toBeLessThan(0.03);
    }
  });

  it("one-phrase form: bm25 to the bit, the query's exact match count, and a clear failure past its cap", () => {
    const db = corpusTable(20_000);
    db.prepare(`DELETE FROM f WHERE rowid IN (SELECT rowid FROM f WHERE f MATCH 'w300' LIMIT 3)`).run();
    const count = db.prepare(`SELECT count(*) FROM f WHERE f MATCH ?`).pluck();
    const bm25 = db.prepare(`SELECT rowid, bm25(f, 2.0, 1.0) AS s FROM f WHERE f MATCH ? ORDER BY s, rowid LIMIT 20`);
    const one = db.prepare(
      `SELECT rowid, tribm25(f, 'one', ?, 2.0, 1.0) AS s, tribm25(f, 'rows', ?) AS n FROM f WHERE f MATCH ?
       ORDER BY s, rowid LIMIT 20`,
    );
    // One phrase — a word, a prefix, a quoted phrase, a column filter — and deleted rows: the count is the match count.
    for (const q of ['w300', 'w39*', '"w3 w5"', 'title : w250', 'w250']) {
      const n = count.get(q) as number;
      expect(n).toBeGreaterThan(0);
      const got = one.all(20_000, 20_000, q) as Array<{ rowid: number; s: number; n: number }>;
      expect(got.map(({ rowid, s }) => ({ rowid, s }))).toEqual(bm25.all(q));
      expect(new Set(got.map((r) => r.n))).toEqual(new Set([n]));
    }
    // Exactly at the cap still answers; one row more fails at the first row, after counting cap + 1.
    const w250 = count.get('w250') as number;
    expect((one.all(w250, w250, 'w250')[0] as { n: number }).n).toBe(w250);
    expect(() => one.all(w250 - 1, w250 - 1, 'w250')).toThrow(/^tribm25: more than the cap/);
    // Two phrases: their rows are not the query's matches.
    expect(() => one.all(20_000, 20_000, 'w1 w2')).toThrow(/^tribm25: not one phrase/);
    expect(() => one.all(0, 0, 'w250')).toThrow(/needs a cap from 1/);
    expect(() => one.all(2.5, 2.5, 'w250')).toThrow(/needs a cap from 1/);
    expect(() => db.prepare(`SELECT tribm25(f, 'many', 5) FROM f WHERE f MATCH 'w250'`).all()).toThrow(/unknown form/);
    // The forms share the query's count: a one-phrase form beside another form would read a count of another kind.
    expect(() =>
      db.prepare(`SELECT tribm25(f, 'rows', 5000), tribm25(f, NULL, NULL) FROM f WHERE f MATCH 'w250'`).all(),
    ).toThrow(/mixed in one query/);
  });

  it('ranks a store’s searches as bm25 does: the same hits and scores for rare words, close ones for common', async () => {
    const stores = [true, false].map((nativeRanking) =>
      createSqliteStore({ path: path.join(dir, `store-${nativeRanking}.db`), nativeRanking }),
    );
    // alpha and beta: together in 1,500 of 4,000 items (over the direct path's 1,000, under 2,000 rows each), as
    // often once as twice, so that bm25's ranking has something to order.
    const tagged = (i: number, body: string) =>
      i % 8 < 3 ? `${body} alpha beta${i % 3 ? '' : ' alpha'}${i % 5 ? '' : ' beta beta'}` : body;
    const items = corpus(4000).map((r, i) => chat(`m${i}`, tagged(i, r.body), { title: r.title }));
    for (const store of stores) {
      await store.migrate();
      const source = await newSource(store, 'chat');
      await store.commitPage({
        sourceId: source.id,
        runId: null,
        checkpoint: undefined,
        items: prepared(items),
        deletes: [],
      });
    }
    try {
      const [native, plain] = stores as [(typeof stores)[0], (typeof stores)[0]];
      expect(rankSql(native.db)).toMatch(/^tribm25/);
      expect(rankSql(plain.db)).toMatch(/^bm25/);
      // Over 1,000 matches (the candidates' path, where the extension ranks) and under 2,000 rows per word: exact.
      const matches = native.db.prepare(`SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH ?`).pluck();
      for (const text of ['alpha', 'alpha beta']) {
        for (const w of text.split(' ')) expect(matches.get(w)).toBeLessThanOrEqual(2000);
        expect(matches.get(text)).toBeGreaterThan(1000);
        const a = await native.search({ text, limit: 10 });
        const b = await plain.search({ text, limit: 10 });
        expect(a.hits.length).toBe(10);
        expect(a.hits.map((h) => [h.externalId, h.score])).toEqual(b.hits.map((h) => [h.externalId, h.score]));
      }
      // A word in most items: estimated, so scores differ a little; the page is still bm25's best.
      const a = await native.search({ text: 'w0 w1', limit: 10 });
      const b = await plain.search({ text: 'w0 w1', limit: 10 });
      const exact = new Map(b.hits.map((h) => [h.externalId, h.score]));
      const shared = a.hits.filter((h) => exact.has(h.externalId));
      expect(shared.length).toBeGreaterThanOrEqual(8);
      for (const h of shared) expect(Math.abs(h.score / exact.get(h.externalId)! - 1)).toBeLessThan(0.03);
    } finally {
      for (const store of stores) await store.close();
    }
  });
});
