import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chat, newSource, page } from '../contract-support.js';
import { createSqliteStore } from './index.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-source-counts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Store = ReturnType<typeof createSqliteStore>;

/** What a source's stats were before migration 16: one scan of its memories. */
function scanned(store: Store, sourceId: string) {
  const rows = store.db
    .prepare(
      `SELECT stream, deleted_at IS NULL AS live, count(*) AS n, min(occurred_at) AS oldest, max(occurred_at) AS newest
       FROM memories WHERE source_id = ? GROUP BY stream, live`,
    )
    .all(sourceId) as Array<{ stream: string; live: number; n: number; oldest: string | null; newest: string | null }>;
  const byStream: Record<string, number> = {};
  let memories = 0;
  let deleted = 0;
  const times = rows.flatMap((r) => [r.oldest, r.newest]).filter((t): t is string => t !== null);
  for (const r of rows) {
    if (r.live) {
      memories += r.n;
      byStream[r.stream] = r.n;
    } else deleted += r.n;
  }
  const versions = store.db
    .prepare(`SELECT count(*) FROM memory_versions v JOIN memories m ON m.id = v.memory_id WHERE m.source_id = ?`)
    .pluck()
    .get(sourceId) as number;
  return {
    memories,
    deleted,
    versions,
    byStream,
    oldest: times.length ? times.reduce((a, b) => (a < b ? a : b)) : null,
    newest: times.length ? times.reduce((a, b) => (a > b ? a : b)) : null,
  };
}

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const day = (n: number) => new Date(Date.UTC(2026, 0, 1 + n)).toISOString();

describe('source counts kept by triggers (migration 16)', () => {
  it('agree with a scan of the memories after every page of inserts, edits, moves, deletions, revivals and erasures', async () => {
    const store = createSqliteStore({ path: path.join(dir, 'random.db') });
    await store.migrate();
    await store.createUser({ id: 'bob', name: 'bob' });
    const sources = [
      await newSource(store, 'a'),
      await newSource(store, 'b'),
      await newSource(store, 'c', { ownerId: 'bob' }),
    ];
    const next = random(16);
    const pick = <T>(xs: T[]): T => xs[Math.floor(next() * xs.length)]!;
    const streams = ['messages', 'threads', 'files'];
    let spanRecovered = 0;
    for (let step = 0; step < 250; step++) {
      const source = pick(sources);
      const roll = next();
      if (roll < 0.04) {
        // A privacy erase of a few of the source's memories.
        const ids = store.db
          .prepare(`SELECT id FROM memories WHERE source_id = ? ORDER BY random() LIMIT 3`)
          .pluck()
          .all(source.id) as number[];
        await store.eraseMemories(ids.map(String));
      } else if (roll < 0.06) {
        await store.purgeSourceData(source.id);
      } else {
        // A page: new items, edited ones (text, time — inwards or outwards, or none —, stream), deletions, revivals.
        const items = Array.from({ length: 1 + Math.floor(next() * 6) }, () => {
          const id = `m${Math.floor(next() * 40)}`;
          const time = next() < 0.1 ? undefined : day(Math.floor(next() * 60));
          return chat(id, `text ${Math.floor(next() * 3)} of ${id}`, { stream: pick(streams), occurredAt: time });
        });
        const deletes = Array.from({ length: Math.floor(next() * 3) }, () => `m${Math.floor(next() * 40)}`).filter(
          (d) => !items.some((i) => i.externalId === d),
        );
        const unique = [...new Map(items.map((i) => [i.externalId, i])).values()];
        await store.commitPage(page(source.id, unique, deletes));
      }
      for (const s of sources) {
        const stats = await store.sourceStats(s.id);
        const expected = scanned(store, s.id);
        expect({ step, ...stats, runs: undefined, sourceId: undefined }).toEqual({
          step,
          ...expected,
          runs: undefined,
          sourceId: undefined,
        });
        expect(await store.countMemories({ sourceId: s.id })).toBe(expected.memories);
        expect(await store.countMemories({ sourceId: s.id, includeDeleted: true })).toBe(
          expected.memories + expected.deleted,
        );
      }
      spanRecovered += store.db
        .prepare(`SELECT count(*) FROM source_counts WHERE span_exact = 0`)
        .pluck()
        .get() as number;
      const live = (owner: string) =>
        store.db
          .prepare(
            `SELECT count(*) FROM memories m JOIN data_sources s ON s.id = m.source_id WHERE s.owner_id = ? AND m.deleted_at IS NULL`,
          )
          .pluck()
          .get(owner) as number;
      expect(await store.countMemories({ ownerId: 'local' })).toBe(live('local'));
      expect(await store.countMemories({ ownerId: 'bob' })).toBe(live('bob'));
    }
    // The run went through the path that finds a shrunk span again through the time index, not only the exact one.
    expect(spanRecovered).toBeGreaterThan(0);
    // A deleted source leaves no counts behind.
    await store.deleteSource(sources[0]!.id);
    expect(store.db.prepare(`SELECT count(*) FROM source_counts WHERE source_id = ?`).pluck().get(sources[0]!.id)).toBe(
      0,
    );
    await store.close();
  });

  it('a store of version 15 gets its counts from its memories when it migrates', async () => {
    const store = createSqliteStore({ path: path.join(dir, 'migrate.db') });
    await store.migrate();
    const source = await newSource(store);
    const items = [
      chat('a', 'one', { occurredAt: day(3) }),
      chat('b', 'two', { occurredAt: day(9), stream: 'threads' }),
      chat('c', 'three', { occurredAt: day(1) }),
    ];
    await store.commitPage(page(source.id, items));
    await store.commitPage(page(source.id, [], ['c']));
    const before = scanned(store, source.id);
    store.db.exec(`DROP TRIGGER memories_counts_ai; DROP TRIGGER memories_counts_au; DROP TRIGGER memories_counts_ad;
      DROP TABLE source_counts; DELETE FROM schema_migrations WHERE version >= 16;`);
    await store.migrate();
    const stats = await store.sourceStats(source.id);
    expect(stats).toMatchObject(before);
    expect(stats).toMatchObject({
      memories: 2,
      deleted: 1,
      byStream: { messages: 1, threads: 1 },
      oldest: day(1),
      newest: day(9),
    });
    await store.close();
  });

  it('finds a shrunk span through the time index, starting from the recorded bound', async () => {
    const store = createSqliteStore({ path: path.join(dir, 'span.db') });
    await store.migrate();
    const source = await newSource(store);
    const write = (items: ReturnType<typeof chat>[]) => store.commitPage(page(source.id, items));
    await write([chat('a', 'one', { occurredAt: day(1) }), chat('b', 'two', { occurredAt: day(5) })]);
    // The newest item edited again later: its time moves outwards and the span stays exact.
    await write([chat('b', 'two, edited', { occurredAt: day(8) })]);
    expect(store.db.prepare(`SELECT span_exact FROM source_counts`).pluck().get()).toBe(1);
    expect(await store.sourceStats(source.id)).toMatchObject({ oldest: day(1), newest: day(8) });
    // The oldest item's time corrected inwards: the recorded oldest is no longer held by any memory.
    await write([chat('a', 'one, corrected', { occurredAt: day(4) })]);
    expect(store.db.prepare(`SELECT span_exact, oldest FROM source_counts`).get()).toEqual({
      span_exact: 0,
      oldest: day(1),
    });
    expect(await store.sourceStats(source.id)).toMatchObject({ oldest: day(4), newest: day(8), versions: 2 });
    await store.close();
  });
});
