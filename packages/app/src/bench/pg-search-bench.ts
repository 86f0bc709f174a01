import os from 'node:os';
import pg from 'pg';
import { createEngine, createPostgresStore, type Engine } from '@tributary/engine';
import { synthetic } from '@tributary/connectors/synthetic/index';
import { zipfWord } from '@tributary/connectors/synthetic/zipf';
import { fmt, percentile, printTable, timed } from './measure.js';
import { pgCpuMeter } from './pg-cpu.js';
import { syncZipfItems } from './zipf-store.js';

const PG_URL =
  process.env.TRIBUTARY_TEST_DATABASE_URL ??
  process.env.TRIBUTARY_DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/postgres';

/** The buckets of the SQLite search bench (search-bench.ts), fewer queries: PostgreSQL here is shared and slower. */
const BUCKETS: Array<{ name: string; queries: string[] }> = [
  { name: 'rare word (rank 3,000–19,000)', queries: [3000, 7000, 11_000, 15_000, 19_000].map(zipfWord) },
  { name: 'mid-frequency word (rank 30–300)', queries: [30, 90, 150, 220, 300].map(zipfWord) },
  {
    name: 'two co-occurring words (ranks 5–80)',
    queries: [5, 15, 25, 40].map((r) => `${zipfWord(r)} ${zipfWord(r + 40)}`),
  },
  { name: 'very common word (rank 1–4)', queries: [1, 2, 3, 4].map(zipfWord) },
];
const ROUNDS = 3;

/**
 * Builds (once; later runs reuse it) a schema holding `items` Zipf chat messages synced by the engine. The schema
 * stays for the next run: `DROP SCHEMA bench_search_<items> CASCADE` removes it.
 */
async function zipfSchema(items: number): Promise<string> {
  const schema = `bench_search_${items}`;
  const admin = new pg.Pool({ connectionString: PG_URL, max: 1 });
  try {
    const done = await admin
      .query(`SELECT 1 FROM ${schema}.kv WHERE namespace = 'bench' AND key = 'complete'`)
      .then((r) => r.rows.length > 0)
      .catch(() => false);
    if (done) return schema;
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await admin.end();
  }
  const store = createPostgresStore({ connectionString: PG_URL, schema });
  await store.migrate();
  await syncZipfItems(store, items, 'postgres-search', async () => {
    await store.pool.query(`INSERT INTO kv (namespace, key, value, expires_at) VALUES ('bench', 'complete', '1', 0)`);
  });
  return schema;
}

/** Wall ms per query, and the mean CPU ms per query of this process plus its PostgreSQL backends (`meter`). */
async function latencies(
  run: (q: string) => Promise<unknown>,
  queries: string[],
  meter: ReturnType<typeof pgCpuMeter>,
): Promise<{ ms: number[]; cpuMs: number }> {
  const ms: number[] = [];
  meter.start();
  for (let round = 0; round < ROUNDS; round++)
    for (const q of queries) ms.push((await timed(() => run(q))).seconds * 1000);
  const used = meter.stop();
  return { ms, cpuMs: ((used.nodeSeconds + used.pgSeconds) * 1000) / ms.length };
}

/**
 * Search on PostgreSQL at BENCH_PG_SEARCH_ITEMS (default 200,000) Zipf chat messages, by query bucket: the engine's
 * search (10 hits, snippets) against the raw query a PostgreSQL user would write — `ts_rank_cd` over every match,
 * top 10 — on the same schema. Target for the very common word: p95 ≤ 100 ms (docs/search.md says how it ranks).
 */
export async function benchPostgresSearchPhase(): Promise<void> {
  const items = Number(process.env.BENCH_PG_SEARCH_ITEMS ?? 200_000);
  const schema = await zipfSchema(items);
  const store = createPostgresStore({ connectionString: PG_URL, schema, maxConnections: 2 });
  // On a shared machine wall times mostly measure waiting for a core: CPU per query is reported beside them.
  const meter = pgCpuMeter(store.pool);
  await store.migrate();
  const engine: Engine = createEngine({ store, connectors: [synthetic] });
  const raw = (q: string) =>
    store.pool.query(
      `SELECT id, ts_rank_cd(tsv, query) AS r FROM chunks, to_tsquery('simple', $1) query WHERE tsv @@ query
       ORDER BY r DESC LIMIT 10`,
      [q.split(' ').join(' & ')],
    );
  const count = async (q: string): Promise<number> =>
    Number(
      (
        await store.pool.query(`SELECT count(*) AS n FROM chunks WHERE tsv @@ to_tsquery('simple', $1)`, [
          q.split(' ').join(' & '),
        ])
      ).rows[0].n,
    );
  const rows: Array<[string, string]> = [];
  try {
    for (const b of BUCKETS) {
      const matches = await Promise.all(b.queries.map(async (q) => (await count(q)) / items));
      const e = await latencies((q) => engine.search({ text: q, limit: 10 }), b.queries, meter);
      const r = await latencies(raw, b.queries, meter);
      const [engineMs, rawMs] = [e.ms, r.ms];
      const e95 = percentile(engineMs, 95);
      const r95 = percentile(rawMs, 95);
      rows.push([
        b.name,
        `matches ${fmt(100 * Math.min(...matches), 3)}–${fmt(100 * Math.max(...matches), 1)}% of items; engine p50/p95 ` +
          `${fmt(percentile(engineMs, 50), 1)} / ${fmt(e95, 1)} ms; raw ts_rank_cd over every match ` +
          `${fmt(percentile(rawMs, 50), 1)} / ${fmt(r95, 1)} ms → p95 ratio ${fmt(e95 / Math.max(0.001, r95), 2)}; ` +
          `CPU per query (node + PostgreSQL) engine ${fmt(e.cpuMs, 1)} ms, raw ${fmt(r.cpuMs, 1)} ms`,
      ]);
    }
  } finally {
    await engine.close();
  }
  printTable(
    `search on PostgreSQL (${fmt(items)} Zipf chat items, ${ROUNDS} rounds; load average ${fmt(os.loadavg()[0]!, 1)})`,
    rows,
  );
}
