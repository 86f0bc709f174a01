import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chat, newSource, prepared } from '../contract-support.js';
import { createSqliteStore } from './index.js';
import { checkFtsIndex } from './fts-check.js';
import { BACKFILL_CACHE_MB, BACKFILL_WAL_PAGES } from './fts-backlog.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-fts-backlog-'));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function open(file = path.join(dir, `s${n++}.db`), mergeChunks = 100, staleMs = 30_000) {
  const store = createSqliteStore({ path: file, ftsBacklog: { mergeChunks, staleMs } });
  await store.migrate();
  return { store, file };
}

/** Throws when the FTS index and the chunks table differ in any row (fts-check.ts). */
const checkIndex = (store: ReturnType<typeof createSqliteStore>): void => checkFtsIndex(store.db);
const pending = (store: ReturnType<typeof createSqliteStore>): number =>
  (
    store.db
      .prepare(
        `SELECT coalesce((SELECT max(id) FROM chunks) - (SELECT from_chunk FROM fts_backlog) + 1, 0) AS n FROM (SELECT 1)`,
      )
      .get() as { n: number }
  ).n;

const items = (from: number, to: number) =>
  prepared(Array.from({ length: to - from }, (_, k) => chat(`m${from + k}`, `heron note${from + k}`)));

describe('SQLite deferred FTS indexing', () => {
  it('merges in steps of mergeChunks during the run; flush leaves an exact index and no marker', async () => {
    const { store } = await open(undefined, 100);
    const s = await newSource(store);
    let maxPending = 0;
    for (let p = 0; p < 12; p++) {
      await store.commitPage({
        sourceId: s.id,
        runId: null,
        items: items(p * 30, (p + 1) * 30),
        deletes: [],
        checkpoint: { p },
        deferIndex: true,
      });
      maxPending = Math.max(maxPending, pending(store));
      // Rows above the line are not indexed yet; the check (index vs chunks) sees them missing.
      if (pending(store) > 0) expect(() => checkIndex(store)).toThrow();
      else checkIndex(store);
    }
    expect(maxPending).toBeLessThan(100 + 30);
    expect((await store.search({ text: 'note5' })).hits).toHaveLength(1); // merged during the run
    await store.flushIndex();
    checkIndex(store);
    expect(store.db.prepare(`SELECT count(*) AS n FROM fts_backlog`).get()).toEqual({ n: 0 });
    expect(store.db.prepare(`SELECT count(*) AS n FROM chunks_fts WHERE chunks_fts MATCH 'heron'`).get()).toEqual({
      n: 360,
    });
    await store.close();
  });

  it('an id reused below the line (its chunk deleted, then a new one) is indexed live and never lost', async () => {
    const { store } = await open(undefined, 1000);
    const s = await newSource(store);
    await store.commitPage({ sourceId: s.id, runId: null, items: items(0, 5), deletes: [], checkpoint: undefined });
    // Opens the backlog above chunk 5, then deletes everything above it and the top indexed chunk (id 5).
    await store.commitPage({
      sourceId: s.id,
      runId: null,
      items: items(5, 10),
      deletes: [],
      checkpoint: undefined,
      deferIndex: true,
    });
    await store.commitPage({
      sourceId: s.id,
      runId: null,
      items: [],
      deletes: ['m4', 'm5', 'm6', 'm7', 'm8', 'm9'],
      checkpoint: undefined,
      deferIndex: true,
    });
    // The next chunk takes id 5 again, below the line of 6: the trigger indexes it at once.
    await store.commitPage({
      sourceId: s.id,
      runId: null,
      items: prepared([chat('late', 'heron late')]),
      deletes: [],
      checkpoint: undefined,
      deferIndex: true,
    });
    expect((await store.search({ text: 'late' })).hits).toHaveLength(1);
    await store.flushIndex();
    checkIndex(store);
    expect((await store.search({ text: 'heron', limit: 100 })).hits).toHaveLength(5);
    await store.close();
  });

  it('a backlog abandoned by a dead writer is caught up when the store next opens', async () => {
    const { store, file } = await open(undefined, 1000);
    const s = await newSource(store);
    await store.commitPage({
      sourceId: s.id,
      runId: null,
      items: items(0, 40),
      deletes: [],
      checkpoint: { p: 1 },
      deferIndex: true,
    });
    await store.close(); // no flush: as after kill -9
    const fresh = await open(file, 1000, 30_000);
    await fresh.store.ping();
    expect(pending(fresh.store)).toBe(40); // a live writer may still be working: left alone…
    await fresh.store.close();
    const stale = await open(file, 1000, 0);
    expect((await stale.store.search({ text: 'heron', limit: 100 })).hits).toHaveLength(40); // …a dead one is not
    checkIndex(stale.store);
    await stale.store.close();
  });

  it('while a backfill is deferred its connection keeps a small page cache and checkpoints rarely; its own after', async () => {
    // [cache KiB, WAL pages between automatic checkpoints] of the store's connection.
    const settings = (store: ReturnType<typeof createSqliteStore>): [number, number] => [
      -(store.db.pragma('cache_size', { simple: true }) as number),
      store.db.pragma('wal_autocheckpoint', { simple: true }) as number,
    ];
    const backfill: [number, number] = [BACKFILL_CACHE_MB * 1024, BACKFILL_WAL_PAGES];
    const own: [number, number] = [64 * 1024, 1000];
    const deferred = (store: ReturnType<typeof createSqliteStore>, sourceId: string, from: number, defer = true) =>
      store.commitPage({
        sourceId,
        runId: null,
        items: items(from, from + 10),
        deletes: [],
        checkpoint: undefined,
        deferIndex: defer,
      });
    const store = createSqliteStore({ path: path.join(dir, `s${n++}.db`), ftsBacklog: { mergeChunks: 25 } });
    await store.migrate();
    const s = await newSource(store);
    expect(settings(store)).toEqual(own);
    for (let p = 0; p < 4; p++) {
      await deferred(store, s.id, p * 10);
      expect(settings(store)).toEqual(backfill); // across the merges during the run too
    }
    await store.flushIndex();
    expect(settings(store)).toEqual(own);
    // A live page after a deferred one (no flush: an aborted backfill) catches up and restores them as well.
    await deferred(store, s.id, 40);
    expect(settings(store)).toEqual(backfill);
    await deferred(store, s.id, 50, false);
    expect(settings(store)).toEqual(own);
    checkIndex(store);
    await store.close();

    // The cache is never larger than the store's own; both are options.
    const small = createSqliteStore({ path: path.join(dir, `s${n++}.db`), cacheMb: 4 });
    const sized = createSqliteStore({
      path: path.join(dir, `s${n++}.db`),
      ftsBacklog: { backfillCacheMb: 2, backfillWalPages: 5000 },
    });
    for (const [st, during, after] of [
      [small, [4 * 1024, BACKFILL_WAL_PAGES], [4 * 1024, 1000]],
      [sized, [2 * 1024, 5000], own],
    ] as const) {
      await st.migrate();
      const src = await newSource(st);
      await deferred(st, src.id, 0);
      expect(settings(st)).toEqual(during);
      await st.flushIndex();
      expect(settings(st)).toEqual(after);
      await st.close();
    }
  });
});
