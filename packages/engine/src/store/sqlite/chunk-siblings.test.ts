import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chat, filler, newSource, prepared } from '../contract-support.js';
import { createSqliteStore } from './index.js';
import { LATEST_SQLITE_VERSION } from './migrations.js';
import { CHUNK_SIBLINGS_MIGRATION } from './chunk-siblings.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-chunk-siblings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A memory long enough for several chunks, saying `word` at its start and its end (two matching chunks). */
const long = (id: string, word: string) => chat(id, `${word} ${filler('w', 700)} ${word} again`);

type Store = ReturnType<typeof createSqliteStore>;

async function put(store: Store, sourceId: string, items: ReturnType<typeof chat>[], deletes: string[] = []) {
  await store.commitPage({ sourceId, runId: null, checkpoint: undefined, items: prepared(items), deletes });
}

/** The sibling rows must be every chunk of each memory of 2+ chunks, and no chunk id that no longer exists. */
function expectInvariant(store: Store): void {
  const db = store.db;
  const missing = db
    .prepare(
      `SELECT count(*) FROM chunks WHERE memory_id IN (SELECT memory_id FROM chunks GROUP BY memory_id HAVING count(*) > 1)
       AND id NOT IN (SELECT id FROM chunk_siblings)`,
    )
    .pluck()
    .get();
  const stale = db
    .prepare(
      `SELECT count(*) FROM chunk_siblings s WHERE NOT EXISTS (SELECT 1 FROM chunks c WHERE c.id = s.id AND c.memory_id = s.memory_id)`,
    )
    .pluck()
    .get();
  expect({ missing, stale }).toEqual({ missing: 0, stale: 0 });
}

/** What the count must say: distinct live memories with a matching chunk, by brute force over every match. */
function bruteCount(store: Store, word: string, ownerId?: string): number {
  return store.db
    .prepare(
      `SELECT count(DISTINCT m.id) FROM chunks_fts f JOIN chunks c ON c.id = f.rowid JOIN memories m ON m.id = c.memory_id
       JOIN data_sources s ON s.id = m.source_id WHERE chunks_fts MATCH ? AND m.deleted_at IS NULL AND (? IS NULL OR s.owner_id = ?)`,
    )
    .pluck()
    .get(word, ownerId ?? null, ownerId ?? null) as number;
}

describe('chunk_siblings (exact keyword totals without looking up single-chunk memories)', () => {
  it('lists every chunk of multi-chunk memories through writes, new versions, tombstones and reused chunk ids', async () => {
    const store = createSqliteStore({ path: path.join(dir, 'invariant.db') });
    await store.migrate();
    const s = await newSource(store);
    await put(store, s.id, [chat('a', 'heron one'), long('b', 'heron'), chat('c', 'heron three')]);
    expectInvariant(store);
    expect(store.db.prepare(`SELECT count(*) FROM chunk_siblings`).pluck().get()).toBeGreaterThan(1);
    expect(await store.countMatches({ text: 'heron' }, 100)).toEqual({ total: 3, exact: true });
    // b shrinks to one chunk, then a grows to many: the rows follow (b's remaining chunk is new, so not listed).
    await put(store, s.id, [chat('b', 'heron now short'), long('a', 'heron')]);
    expectInvariant(store);
    expect(await store.countMatches({ text: 'heron' }, 100)).toEqual({ total: 3, exact: true });
    // The newest chunks deleted: their ids are handed out again to a single-chunk memory, which must not inherit
    // a sibling row saying it belongs to a.
    await put(store, s.id, [], ['a']);
    await put(store, s.id, [chat('d', 'heron four'), chat('e', 'heron five'), chat('f', 'heron six')]);
    expectInvariant(store);
    expect(await store.countMatches({ text: 'heron' }, 100)).toEqual({ total: 5, exact: true });
    expect(await store.countMatches({ text: 'heron' }, 100)).toEqual({
      total: bruteCount(store, 'heron'),
      exact: true,
    });
    await store.close();
  });

  it('counts exactly with and without siblings, under owner filters, tombstones and the cap', async () => {
    const store = createSqliteStore({ path: path.join(dir, 'owners.db') });
    await store.migrate();
    await store.createUser({ id: 'ann', name: 'Ann' });
    await store.createUser({ id: 'bob', name: 'Bob' });
    const mine = await newSource(store, 'mine', { ownerId: 'ann' });
    const theirs = await newSource(store, 'theirs', { ownerId: 'bob' });
    await put(
      store,
      mine.id,
      Array.from({ length: 7 }, (_, i) => chat(`m${i}`, `plover ${i}`)),
    );
    await put(
      store,
      theirs.id,
      Array.from({ length: 5 }, (_, i) => chat(`t${i}`, `plover ${i}`)),
    );
    await put(store, mine.id, [], ['m0', 'm1']);
    // Only single-chunk memories: the index's own count is the total.
    expect(store.db.prepare(`SELECT count(*) FROM chunk_siblings`).pluck().get()).toBe(0);
    expect(await store.countMatches({ text: 'plover' }, 100)).toEqual({ total: 10, exact: true });
    expect(await store.countMatches({ text: 'plover', ownerId: 'ann' }, 100)).toEqual({ total: 5, exact: true });
    expect(await store.countMatches({ text: 'plover', ownerId: 'bob' }, 100)).toEqual({ total: 5, exact: true });
    expect(await store.countMatches({ text: 'plover', ownerId: 'cid' }, 100)).toEqual({ total: 0, exact: true });
    expect(await store.countMatches({ text: 'plover' }, 9)).toEqual({ total: 9, exact: false });
    expect(await store.countMatches({ text: 'plover' }, 10)).toEqual({ total: 10, exact: true });
    // Two long memories matching twice each: 14 chunks match, 12 memories.
    await put(store, theirs.id, [long('t-long', 'plover'), long('t-long2', 'plover')]);
    expect(store.db.prepare(`SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH 'plover'`).pluck().get()).toBe(14);
    expect(await store.countMatches({ text: 'plover' }, 100)).toEqual({ total: 12, exact: true });
    expect(await store.countMatches({ text: 'plover', ownerId: 'bob' }, 100)).toEqual({ total: 7, exact: true });
    expect(await store.countMatches({ text: 'plover' }, 11)).toEqual({ total: 11, exact: false });
    expect(await store.countMatches({ text: 'plover' }, 12)).toEqual({ total: 12, exact: true });
    for (const owner of [undefined, 'ann', 'bob'])
      expect((await store.countMatches({ text: 'plover', ownerId: owner }, 100)).total).toBe(
        bruteCount(store, 'plover', owner),
      );
    await store.close();
  });

  it('migration 12 lists the siblings of an existing store, with progress', async () => {
    const reports: Array<{ version: number; done: number; total: number }> = [];
    const store = createSqliteStore({
      path: path.join(dir, 'migrate.db'),
      onMigrationProgress: ({ version, done, total }) => reports.push({ version, done, total }),
    });
    await store.migrate();
    const s = await newSource(store);
    await put(store, s.id, [chat('a', 'kestrel one'), long('b', 'kestrel'), long('c', 'kestrel'), chat('d', 'x')]);
    // As a store of migration 11 is: no table, no triggers (and migration 13 not applied either).
    store.db.exec(`DROP TRIGGER chunks_siblings_ai; DROP TRIGGER chunks_siblings_ad; DROP TABLE chunk_siblings;`);
    store.db.exec(
      `DROP TRIGGER memories_importance_ai; DROP TRIGGER memories_importance_au; DROP TABLE importance_bounds;`,
    );
    store.db.prepare(`DELETE FROM schema_migrations WHERE version >= 12`).run();
    reports.length = 0;
    expect(await store.migrate()).toMatchObject({ current: LATEST_SQLITE_VERSION });
    expect(reports.length).toBeGreaterThan(0);
    const last12 = reports.filter((r) => r.version === 12).at(-1)!;
    expect(last12.done).toBe(last12.total);
    expectInvariant(store);
    expect(store.db.prepare(`SELECT count(DISTINCT memory_id) FROM chunk_siblings`).pluck().get()).toBe(2);
    expect(await store.countMatches({ text: 'kestrel' }, 100)).toEqual({ total: 3, exact: true });
    expect(CHUNK_SIBLINGS_MIGRATION).toContain('CREATE TABLE chunk_siblings');
    await store.close();
  });
});
