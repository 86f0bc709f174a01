import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Item } from '@tributary/sdk';
import { chat, newSource, prepared } from '../contract-support.js';
import { createPipeline } from '../../pipeline/prepare.js';
import { createSqliteStore } from './index.js';
import { checkFtsIndex } from './fts-check.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-fts-merge-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const words = (prefix: string, n: number): string =>
  Array.from({ length: n }, (_, i) => `${prefix}${i}${i % 7 === 0 ? '.' : ''}`).join(' ');

/**
 * Every kind of chunk a merge meets: plain ASCII (indexed by SQL), and what only JavaScript can cut — non-ASCII text
 * (SQL counts characters, JavaScript UTF-16 units: an emoji is one and two), compressed long text, several chunks
 * per memory, a title on the first chunk only.
 */
const ITEMS: Item[] = [
  chat('ascii', 'plain heron note about the launch'),
  chat('titled', 'body words only here', { title: 'Quarterly Heron Title' }),
  chat('emoji', `café 😀 naïve ${words('emo', 30)} 😀 tail words`),
  chat('long-ascii', words('asc', 900), { title: 'Long ascii' }),
  chat('long-emoji', `${words('uni', 400)} 😀😀 ${words('zed', 500)} ünïcode end`),
  chat('short-again', 'heron again'),
];

/** Every (term, chunk, column, offset) of the index, sorted: two equal lists mean two identical indexes. */
function instances(db: ReturnType<typeof createSqliteStore>['db']): string[] {
  db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocab USING fts5vocab(main, chunks_fts, instance)`);
  return (db.prepare(`SELECT term, doc, col, offset FROM temp.vocab`).raw(true).all() as unknown[][])
    .map((r) => r.join('|'))
    .sort();
}

/** Short text (kept plain, not compressed) cut into many small chunks: spans past an emoji differ in SQL and JS. */
const small = createPipeline({ chunking: { maxChars: 40, overlap: 10 } });
const SMALL_CHUNKS: Item[] = [
  chat('small-emoji', `😀 first 😀😀 second words ${words('sm', 12)} 😀 end`),
  chat('small-ascii', `plain ${words('pa', 15)} close`),
];

async function load(deferIndex: boolean) {
  const store = createSqliteStore({ path: path.join(dir, `${deferIndex ? 'deferred' : 'live'}.db`) });
  await store.migrate();
  const s = await newSource(store);
  const items = [
    ...prepared(ITEMS),
    ...SMALL_CHUNKS.map((item) => small.prepare(item, small.fingerprint(item)) as ReturnType<typeof prepared>[0]),
  ];
  await store.commitPage({ sourceId: s.id, runId: null, checkpoint: undefined, items, deletes: [], deferIndex });
  await store.flushIndex();
  return store;
}

describe('SQLite deferred-index merge: SQL path for plain ASCII chunks, JavaScript for the rest', () => {
  it('indexes exactly what the live write path indexes, token for token', async () => {
    const live = await load(false);
    const deferred = await load(true);
    const chunkKinds = deferred.db
      .prepare(
        `SELECT count(*) AS chunks, sum(typeof(m.content) = 'blob') AS compressed,
           sum(typeof(m.content) = 'text' AND m.content_bytes <> length(m.content) AND c.at > 0) AS nonAscii
         FROM chunks c JOIN memories m ON m.id = c.memory_id`,
      )
      .get() as { chunks: number; compressed: number; nonAscii: number };
    // The fixture really exercises both paths (several chunks, compressed ones, plain non-ASCII ones past the start).
    expect(chunkKinds.chunks).toBeGreaterThan(ITEMS.length);
    expect(chunkKinds.compressed).toBeGreaterThan(0);
    expect(chunkKinds.nonAscii).toBeGreaterThan(0);
    checkFtsIndex(deferred.db);
    const expected = instances(live.db);
    expect(expected.length).toBeGreaterThan(1000);
    expect(instances(deferred.db)).toEqual(expected);
    // Titles on first chunks only, emoji text found, a word past the first chunk of a long memory found.
    const hits = (q: string) =>
      deferred.db.prepare(`SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH ?`).pluck().get(q) as number;
    expect(hits('quarterly')).toBe(1);
    expect(hits('naive')).toBe(1);
    expect(hits('zed499')).toBeGreaterThan(0);
    await live.close();
    await deferred.close();
  });
});
