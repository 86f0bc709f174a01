import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresStore } from './index.js';
import { COMMON_MATCHES, COMMON_SHARE, COMMON_WINDOW } from './search.js';

// The machine's real PostgreSQL, one schema for the file.
const PG_URL = process.env.TRIBUTARY_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const schema = `tcommon_${process.pid}`;
const store = createPostgresStore({ connectionString: PG_URL, schema, maxConnections: 2 });
const TOTAL = Math.ceil((COMMON_MATCHES / COMMON_SHARE) * 1.5); // enough chunks for a word to count as very common
let oldSource = '';
let newSource = '';

beforeAll(async () => {
  await store.migrate();
  oldSource = (await store.createSource({ ownerId: 'local', sourceType: 't', name: 'old', config: {} })).id;
  newSource = (await store.createSource({ ownerId: 'local', sourceType: 't', name: 'new', config: {} })).id;
  // Every chunk has "walrus" (very common); "zebra" is in 1 in 500 (rare). The first half belongs to the old source:
  // its chunks are all older than the newest COMMON_WINDOW. Written in SQL: the write path is not under test here.
  await store.pool.query(
    `INSERT INTO memories (source_id, external_id, stream, content, content_type, ingested_at, updated_at, content_hash, fingerprint)
     SELECT CASE WHEN g <= $3 / 2 THEN $1 ELSE $2 END, 'm' || g, 'messages',
            'walrus note ' || g || CASE WHEN g % 500 = 0 THEN ' zebra' ELSE '' END, 'text', 'now', 'now', 'h', 'f'
     FROM generate_series(1, $3) g`,
    [oldSource, newSource, TOTAL],
  );
  await store.pool.query(`INSERT INTO chunks (memory_id, seq, text) SELECT id, 0, content FROM memories ORDER BY id`);
  // Statistics, as flushIndex leaves them after a bulk backfill: the planner expects the common word from them.
  await store.pool.query('ANALYZE chunks');
  await store.pool.query('ANALYZE memories');
}, 120_000);

afterAll(async () => {
  await store.pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await store.close();
});

const n = (externalId: string): number => Number(externalId.slice(1));

describe('PostgreSQL search of very common words', () => {
  it('ranks a very common word over its newest matches only: a full page from the newest chunks', async () => {
    expect(COMMON_WINDOW).toBeLessThan(TOTAL / 2);
    const { hits } = await store.search({ text: 'walrus', limit: 20 });
    expect(hits).toHaveLength(20);
    // Equal scores: ties go by memory id, so the page is the oldest of the newest COMMON_MATCHES candidates.
    const newestFirst = TOTAL - COMMON_MATCHES + 1;
    for (const h of hits) expect(n(h.externalId)).toBeGreaterThanOrEqual(newestFirst);
  });

  it('a filter that leaves the newest candidates short of a page ranks every match', async () => {
    const { hits } = await store.search({ text: 'walrus', limit: 20, sourceIds: [oldSource] });
    expect(hits).toHaveLength(20);
    for (const h of hits) expect(h.sourceId).toBe(oldSource);
  });

  it('a rare word is ranked over all its matches, old ones included', async () => {
    const { hits } = await store.search({ text: 'zebra', limit: 200 });
    expect(hits).toHaveLength(Math.floor(TOTAL / 500));
    expect(Math.min(...hits.map((h) => n(h.externalId)))).toBe(500);
  });

  it('counts a very common word up to the cap', async () => {
    expect(await store.countMatches({ text: 'walrus' }, 1000)).toEqual({ total: 1000, exact: false });
    expect(await store.countMatches({ text: 'zebra' }, 1000)).toEqual({ total: Math.floor(TOTAL / 500), exact: true });
  });
});
