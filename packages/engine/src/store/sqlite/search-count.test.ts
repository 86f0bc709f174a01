import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chat, filler, newSource, prepared } from '../contract-support.js';
import { createSqliteStore } from './index.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-search-count-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SQLite keyword count and page rows', () => {
  it('an unfiltered count (no memory lookups) equals the filtered one after tombstones, erasures and new versions', async () => {
    const store = createSqliteStore({ path: path.join(dir, 'count.db') });
    await store.migrate();
    const s = await newSource(store);
    const items = Array.from({ length: 12 }, (_, i) => chat(`m${i}`, `osprey note ${i}`));
    // A memory of several chunks matching in more than one of them counts once.
    items.push(chat('long', `osprey ${filler('w', 700)} osprey again`));
    await store.commitPage({
      sourceId: s.id,
      runId: null,
      checkpoint: undefined,
      items: prepared(items),
      deletes: [],
      deferIndex: true,
    });
    await store.flushIndex();
    await store.commitPage({ sourceId: s.id, runId: null, checkpoint: undefined, items: [], deletes: ['m0', 'm1'] });
    await store.commitPage({
      sourceId: s.id,
      runId: null,
      checkpoint: undefined,
      items: prepared([chat('m2', 'a new version without the bird')]),
      deletes: [],
    });
    const erase = await store.search({ text: 'osprey note 3', limit: 1 });
    await store.eraseMemories([erase.hits[0]!.memoryId]);
    // 13 memories matched; m0 and m1 tombstoned, m2 rewritten without the word, m3 erased: 9 live matches.
    const unfiltered = await store.countMatches({ text: 'osprey' }, 1000);
    const filtered = await store.countMatches({ text: 'osprey', sourceIds: [s.id] }, 1000);
    expect(unfiltered).toEqual({ total: 9, exact: true });
    expect(filtered).toEqual(unfiltered);
    expect(await store.countMatches({ text: 'osprey' }, 5)).toEqual({ total: 5, exact: false });
    await store.close();
  });

  it("a hit's snippet is cut from its best chunk, also when that is not the memory's first", async () => {
    const store = createSqliteStore({ path: path.join(dir, 'snippet.db') });
    await store.migrate();
    const s = await newSource(store);
    await store.commitPage({
      sourceId: s.id,
      runId: null,
      checkpoint: undefined,
      items: prepared([chat('long', `${filler('lead', 600)} the kestrel hovers ${filler('tail', 50)}`)]),
      deletes: [],
    });
    const chunks = store.db.prepare(`SELECT count(*) FROM chunks`).pluck().get() as number;
    expect(chunks).toBeGreaterThan(1);
    const { hits } = await store.search({ text: 'kestrel', limit: 5 });
    expect(hits).toHaveLength(1);
    expect(hits[0]!.snippet).toContain('<mark>kestrel</mark>');
    await store.close();
  });
});
