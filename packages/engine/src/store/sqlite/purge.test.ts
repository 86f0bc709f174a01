import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chat, newSource, page } from '../contract-support.js';
import { createSqliteStore } from './index.js';
import { checkFtsIndex } from './fts-check.js';
import { PURGE_BATCH } from './purge.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-purge-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Store = ReturnType<typeof createSqliteStore>;

/** A source with `n` memories (every tenth long enough for several chunks), its checkpoint and connector state. */
async function filled(store: Store, name: string, n: number) {
  const source = await newSource(store, name);
  for (let from = 0; from < n; from += 500) {
    const items = Array.from({ length: Math.min(500, n - from) }, (_, k) => {
      const i = from + k;
      return chat(
        `${name}-${i}`,
        i % 10 ? `heron ${name} ${i}` : `heron ${name} ${i} ${'long words here '.repeat(200)}`,
      );
    });
    await store.commitPage(
      page(source.id, items, [], {
        checkpoint: { at: from + items.length },
        state: { set: { [`k${from}`]: { from } }, delete: [] },
      }),
    );
  }
  return source;
}

/** Counts the turns of the event loop while `work` runs: a loop of setImmediate callbacks that never get a turn
 *  while the thread is held. */
async function turnsDuring<T>(work: () => Promise<T>, onTurn: (turn: number) => void = () => undefined) {
  let turns = 0;
  let running = true;
  const spin = () => {
    if (!running) return;
    onTurn(++turns);
    setImmediate(spin);
  };
  setImmediate(spin);
  const result = await work();
  running = false;
  return { result, turns };
}

const count = (store: Store, sql: string, ...args: unknown[]) =>
  store.db
    .prepare(sql)
    .pluck()
    .get(...args) as number;

describe('SQLite: deleting or purging a large source in batches', () => {
  it('lets the event loop turn between batches, and deletes what a sync wrote meanwhile', async () => {
    const store = createSqliteStore({ path: path.join(dir, 'delete.db') });
    await store.migrate();
    const n = PURGE_BATCH * 3 + 250;
    const doomed = await filled(store, 'doomed', n);
    const kept = await filled(store, 'kept', 300);
    const keptHits = (await store.search({ text: 'heron kept', limit: 100 })).hits.map((h) => h.externalId);
    expect(keptHits).toHaveLength(100);

    // A page of the doomed source committed from another turn while the deletion runs (a sync thread's write).
    let wroteMeanwhile = false;
    const { result, turns } = await turnsDuring(
      () => store.deleteSource(doomed.id),
      (turn) => {
        if (turn !== 1) return;
        void store.commitPage(
          page(doomed.id, [chat('doomed-late', 'heron doomed late')], [], { checkpoint: { at: -1 } }),
        );
        wroteMeanwhile = true;
      },
    );
    expect(result).toBe(true);
    // Turns between the batches (sized by time after the first, so how many varies); a single transaction gave none.
    expect(turns).toBeGreaterThanOrEqual(1);
    expect(wroteMeanwhile).toBe(true);
    expect(await store.getSource(doomed.id)).toBeNull();
    expect(count(store, `SELECT count(*) FROM memories WHERE source_id = ?`, doomed.id)).toBe(0);
    expect(count(store, `SELECT count(*) FROM checkpoints WHERE source_id = ?`, doomed.id)).toBe(0);
    expect(count(store, `SELECT count(*) FROM connector_state WHERE source_id = ?`, doomed.id)).toBe(0);
    expect(count(store, `SELECT count(*) FROM source_counts WHERE source_id = ?`, doomed.id)).toBe(0);
    // Only the other source's chunks remain, and the index holds exactly them.
    expect(count(store, `SELECT count(*) FROM chunks c JOIN memories m ON m.id = c.memory_id`)).toBe(
      count(store, `SELECT count(*) FROM chunks`),
    );
    checkFtsIndex(store.db);
    expect((await store.search({ text: 'heron doomed', limit: 5 })).hits).toHaveLength(0);
    expect((await store.search({ text: 'heron kept', limit: 100 })).hits.map((h) => h.externalId)).toEqual(keptHits);
    expect((await store.sourceStats(kept.id)).memories).toBe(300);
    expect(await store.deleteSource(doomed.id)).toBe(false);
    await store.close();
  });

  it('purges a source’s memories and position in batches, keeping the source and its other sources untouched', async () => {
    const store = createSqliteStore({ path: path.join(dir, 'purge.db') });
    await store.migrate();
    const n = PURGE_BATCH * 2 + 10;
    const source = await filled(store, 'p', n);
    const other = await filled(store, 'o', 120);
    const { result, turns } = await turnsDuring(() => store.purgeSourceData(source.id));
    expect(result).toBe(n);
    expect(turns).toBeGreaterThanOrEqual(1);
    expect(await store.getSource(source.id)).not.toBeNull();
    expect(await store.getCheckpoint(source.id)).toBeNull();
    expect(await store.sourceStats(source.id)).toMatchObject({ memories: 0, deleted: 0, byStream: {} });
    expect(await store.getCheckpoint(other.id)).toEqual({ at: 120 });
    expect(await store.sourceStats(other.id)).toMatchObject({ memories: 120 });
    checkFtsIndex(store.db);
    // The source syncs again from the beginning.
    await store.commitPage(page(source.id, [chat('p-0', 'heron again')], [], { checkpoint: { at: 1 } }));
    expect(await store.sourceStats(source.id)).toMatchObject({ memories: 1 });
    await store.close();
  });

  it('pauses full-text merging only while it runs; a store left paused by a dead purge resumes it at open', async () => {
    const file = path.join(dir, 'merging.db');
    const automerge = (store: Store) =>
      store.db.prepare(`SELECT v FROM chunks_fts_config WHERE k = 'automerge'`).pluck().get() as number | undefined;
    const store = createSqliteStore({ path: file });
    await store.migrate();
    const source = await filled(store, 'm', PURGE_BATCH + 5);
    let during: number | undefined;
    await turnsDuring(
      () => store.purgeSourceData(source.id),
      (turn) => {
        if (turn === 1) during = automerge(store);
      },
    );
    expect(during).toBe(0);
    expect(automerge(store)).toBe(4); // FTS5's default again
    // A purge killed half-way: merging off, its lease expired.
    store.db.prepare(`INSERT INTO chunks_fts (chunks_fts, rank) VALUES ('automerge', 0)`).run();
    store.db
      .prepare(`INSERT INTO leases (key, holder, expires_at) VALUES ('fts-merging-paused:dead', 'x', ?)`)
      .run(Date.now() - 1000);
    // A purge still running elsewhere (unexpired lease): an open leaves its pause alone.
    store.db
      .prepare(`INSERT INTO leases (key, holder, expires_at) VALUES ('fts-merging-paused:live', 'x', ?)`)
      .run(Date.now() + 60_000);
    await store.close();
    const other = createSqliteStore({ path: file });
    await other.countMemories({});
    expect(automerge(other)).toBe(0);
    other.db.prepare(`DELETE FROM leases WHERE key = 'fts-merging-paused:live'`).run();
    await other.close();
    const reopened = createSqliteStore({ path: file });
    await reopened.countMemories({});
    expect(automerge(reopened)).toBe(4);
    await reopened.close();
  });
});
