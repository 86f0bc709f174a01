import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chat, newSource, prepared } from '../contract-support.js';
import { createSqliteStore } from './index.js';
import { COMMON_MATCHES, matchCap } from './search.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-search-'));
const store = createSqliteStore({ path: path.join(dir, 'search.db') });
const OLD = 500; // items of an old source, ingested first
const TOTAL = COMMON_MATCHES + 2_000;
let oldSource = '';

beforeAll(async () => {
  await store.migrate();
  const old = await newSource(store, 'old');
  const recent = await newSource(store, 'recent');
  oldSource = old.id;
  const page = async (sourceId: string, from: number, to: number): Promise<void> => {
    const items = Array.from({ length: to - from }, (_, k) => {
      const i = from + k;
      // Every item says "common"; the old ones say it many times (a better bm25 score), item 3 also says "heron".
      const text = i < OLD ? `common common common common note${i}` : `common word filler text note${i}`;
      return chat(`m${i}`, i === 3 ? `${text} heron` : text);
    });
    await store.commitPage({ sourceId, runId: null, items: prepared(items), deletes: [], checkpoint: { to } });
  };
  await page(old.id, 0, OLD);
  for (let from = OLD; from < TOTAL; from += 2000) await page(recent.id, from, Math.min(TOTAL, from + 2000));
}, 120_000);
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('SQLite search of very common terms', () => {
  it('ranks a term with more than COMMON_MATCHES matches by bm25 among the newest matches only', async () => {
    const { hits } = await store.search({ text: 'common', limit: 10 });
    expect(hits).toHaveLength(10);
    // The old items score better on bm25 but lie outside the newest COMMON_MATCHES matches.
    for (const h of hits) expect(Number(h.externalId.slice(1))).toBeGreaterThanOrEqual(TOTAL - COMMON_MATCHES);
  });

  it('shares the newest matches among the phrases of a query: two phrases rank over the newest quarter', async () => {
    const { hits } = await store.search({ text: 'common note*', limit: 10 });
    expect(hits).toHaveLength(10);
    // The recent items score alike (ties go to the lower chunk id, the oldest of the candidates): over the newest
    // COMMON_MATCHES the page would start at item TOTAL - COMMON_MATCHES.
    for (const h of hits) expect(Number(h.externalId.slice(1))).toBeGreaterThanOrEqual(TOTAL - matchCap(2));
    expect(matchCap(2)).toBe(COMMON_MATCHES / 4);
  });

  it('ranks a term below the threshold over all its matches, however old', async () => {
    expect((await store.search({ text: 'heron' })).hits.map((h) => h.externalId)).toEqual(['m3']);
    expect((await store.search({ text: 'common note3' })).hits.map((h) => h.externalId)).toContain('m3');
  });

  it('falls back to every match when a filter leaves the newest candidates short of a page', async () => {
    const { hits } = await store.search({ text: 'common', limit: 10, sourceIds: [oldSource] });
    expect(hits).toHaveLength(10);
    expect(hits.every((h) => h.sourceId === oldSource)).toBe(true);
  });
});

describe('SQLite store opened with memory-mapped reads (what a CLI read command opens)', () => {
  it('maps the file and answers exactly as the store opened without', async () => {
    const mapped = createSqliteStore({ path: path.join(dir, 'search.db'), mmapMb: 16 });
    try {
      expect(mapped.db.pragma('mmap_size', { simple: true })).toBe(16 * 1024 * 1024);
      expect(store.db.pragma('mmap_size', { simple: true })).toBe(0);
      for (const text of ['common', 'heron', 'common note3']) {
        const query = { text, limit: 10 };
        expect(await mapped.search(query)).toEqual(await store.search(query));
      }
    } finally {
      await mapped.close();
    }
  });
});
