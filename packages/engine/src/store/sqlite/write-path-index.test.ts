import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chat, filler, newSource, page } from '../contract-support.js';
import { createSqliteStore } from './index.js';
import { checkFtsIndex } from './fts-check.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-write-index-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function openStore(name: string) {
  const store = createSqliteStore({ path: path.join(dir, name) });
  await store.migrate();
  return { store, source: await newSource(store) };
}

/** FTS5's index segments: every flush of its pending writes adds one (merging is turned off where this is read). */
const segments = (store: ReturnType<typeof createSqliteStore>): number =>
  store.db.prepare(`SELECT count(DISTINCT segid) FROM chunks_fts_idx`).pluck().get() as number;

const hits = async (store: ReturnType<typeof createSqliteStore>, text: string) =>
  (await store.search({ text, limit: 50 })).hits.map((h) => h.externalId).sort();

describe('SQLite write path: the page is indexed at the end of its transaction', () => {
  it('writes a page of many chunks as one index segment, not one per chunk', async () => {
    const { store, source } = await openStore('segments.db');
    // A first page, so that the second one is not the store's first sync (no deferred backfill).
    await store.commitPage(page(source.id, [chat('seed', 'seed')]));
    // No merging (FTS5's automerge, and its crisis merge at 16 segments a level): each flush stays a segment.
    store.db.prepare(`INSERT INTO chunks_fts (chunks_fts, rank) VALUES ('automerge', 0)`).run();
    store.db.prepare(`INSERT INTO chunks_fts (chunks_fts, rank) VALUES ('crisismerge', 1000)`).run();
    const before = segments(store);
    const items = Array.from({ length: 40 }, (_, i) => chat(`m${i}`, `egret ${filler(`w${i}x`, 700)}`)); // ~3 chunks each
    await store.commitPage(page(source.id, items));
    const chunks = store.db.prepare(`SELECT count(*) FROM chunks`).pluck().get() as number;
    expect(chunks).toBeGreaterThan(100);
    // Interleaved with the chunk rows, FTS5 flushed a segment per chunk (120 here; merged later when merging is on).
    // Queued, the page is one segment, or two when its index entries pass FTS5's in-memory size (1 MB) on the way.
    expect(segments(store) - before).toBeLessThanOrEqual(2);
    checkFtsIndex(store.db);
    expect(await hits(store, 'egret')).toHaveLength(40);
    await store.close();
  });

  it('indexes only what the page leaves: an item written twice, an item added and deleted, deletions in a batch', async () => {
    const { store, source } = await openStore('same-page.db');
    await store.commitPage(
      page(source.id, [chat('kept', 'ibis kept'), chat('old', 'ibis to delete'), chat('other', 'ibis other')]),
    );
    await store.commitPage(
      page(
        source.id,
        [
          chat('twice', `heron first version ${filler('a', 500)}`),
          chat('brief', 'heron brief stay'),
          chat('twice', `plover second version ${filler('b', 500)}`),
          chat('gone', 'heron added then deleted'),
        ],
        ['gone', 'old'],
      ),
    );
    checkFtsIndex(store.db);
    expect(await hits(store, 'heron')).toEqual(['brief']);
    expect(await hits(store, 'plover')).toEqual(['twice']);
    expect(await hits(store, 'ibis')).toEqual(['kept', 'other']);
    expect(await store.countMatches({ text: 'ibis' }, 100)).toEqual({ total: 2, exact: true });
    // A full refresh's end: every memory the run did not see is deleted, with its chunks, in one batch.
    const run = await store.startRun({ sourceId: source.id, mode: 'full_refresh', trigger: 'manual' });
    await store.commitPage(page(source.id, [chat('kept', 'ibis kept')], [], { runId: run.id, markSeen: true }));
    expect(await store.tombstoneUnseen(source.id, run.id)).toBe(3);
    checkFtsIndex(store.db);
    expect(await hits(store, 'ibis')).toEqual(['kept']);
    expect(await hits(store, 'plover')).toEqual([]);
    await store.close();
  });
});
