import { describe, expect, it } from 'vitest';
import { chat, newSource, prepared } from '../contract-support.js';
import { createSqliteStore } from './index.js';

// Budget checks (engine/budget.ts) read `usage` on a run's first write; migration 10 lets both sums read only the
// usage index. These checks fail if a query stops matching the index's expression or the index misses a change.
describe('SQLite usage index', () => {
  it('answers usage per source and per owner from the index, exactly as a scan of the rows does', async () => {
    const store = createSqliteStore({ path: ':memory:' });
    await store.migrate();
    await store.createUser({ id: 'bob', name: 'Bob' });
    const a = await newSource(store, 'a', { ownerId: 'bob' });
    const b = await newSource(store, 'b', { ownerId: 'bob' });
    const commit = (sourceId: string, items: ReturnType<typeof chat>[], deletes: string[] = []) =>
      store.commitPage({ sourceId, runId: null, checkpoint: undefined, items: prepared(items), deletes });
    // Long text is stored compressed: its UTF-8 size counts, not the BLOB's.
    const long = `${'déjà vu '.repeat(400)}fin`;
    await commit(a.id, [chat('1', 'héllo', { title: 'Tïtle' }), chat('2', long), chat('3', 'gone soon')]);
    await commit(b.id, [chat('1', 'abc'), chat('2', 'erased soon')]);
    await commit(a.id, [chat('1', 'a new version')], ['3']);
    const erase = (await store.search({ text: 'erased', limit: 1 })).hits[0]!.memoryId;
    await store.eraseMemories([erase]);

    const db = store.db;
    const plans = (sql: string, arg: string): string =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(arg) as Array<{ detail: string }>).map((r) => r.detail).join(' | ');
    const size = `coalesce(content_bytes, octet_length(content)) + coalesce(octet_length(title), 0)`;
    expect(plans(`SELECT count(*) FROM memories WHERE source_id = ? AND deleted_at IS NULL`, a.id)).toContain(
      'memories_usage',
    );
    expect(
      plans(
        `SELECT count(*) FROM memories m JOIN data_sources s ON s.id = m.source_id WHERE s.owner_id = ? AND m.deleted_at IS NULL`,
        'bob',
      ),
    ).toContain('memories_usage');
    // The reference: a scan of the table (NOT INDEXED), the text decoded nowhere but counted by content_bytes.
    const scan = (where: string, arg: string) =>
      db
        .prepare(
          `SELECT count(*) AS items, coalesce(sum(${size}), 0) AS bytes FROM memories NOT INDEXED
           WHERE deleted_at IS NULL AND ${where}`,
        )
        .get(arg) as { items: number; bytes: number };
    const sourceA = await store.usage({ sourceId: a.id });
    expect(sourceA).toEqual(scan('source_id = ?', a.id));
    expect(sourceA).toEqual({
      items: 2,
      bytes: Buffer.byteLength('a new version') + Buffer.byteLength(long), // the new version has no title
    });
    expect(await store.usage({ sourceId: b.id })).toEqual({ items: 1, bytes: 3 });
    expect(await store.usage({ ownerId: 'bob' })).toEqual({ items: 3, bytes: sourceA.bytes + 3 });
    await store.deleteSource(b.id);
    expect(await store.usage({ ownerId: 'bob' })).toEqual(sourceA);
    await store.close();
  });
});
