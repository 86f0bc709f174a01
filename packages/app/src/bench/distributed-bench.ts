import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import {
  benchQueues,
  createEngine,
  createEngineRunJob,
  createPostgresStore,
  createSqliteQueue,
  createSqliteStore,
  createWorker,
} from '@tributary/engine';
import { synthetic } from '@tributary/connectors/synthetic/index';
import { syntheticItem } from '@tributary/connectors/synthetic/map';
import { fmt, printTable, timed } from './measure.js';
import { pgCpuMeter } from './pg-cpu.js';

const PG_URL =
  process.env.TRIBUTARY_TEST_DATABASE_URL ??
  process.env.TRIBUTARY_DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/postgres';

/** Jobs/s through each queue backend, with Redis against a raw XADD/XREADGROUP/XACK baseline of the same count. */
export async function benchQueuePhase(): Promise<void> {
  const results = await benchQueues({ jobs: Number(process.env.BENCH_JOBS ?? 20_000) });
  printTable(
    'queues (enqueue → reserve → ack)',
    results.map((r) => [
      r.backend,
      r.error
        ? `not measured: ${r.error}`
        : `single calls ×16 concurrent ${fmt(r.jobsPerSec)} jobs/s; batched (…Many, 1000 per call) ${fmt(r.batchedPerSec ?? 0)} jobs/s` +
          (r.rawBaselinePerSec
            ? `; raw pipelined XADD/XREADGROUP/XACK ${fmt(r.rawBaselinePerSec)}/s → batched ratio ${fmt(r.ratio ?? 0, 2)} (target ≥ 0.50)`
            : ''),
    ]),
  );
}

type CpuUsed = ReturnType<ReturnType<typeof pgCpuMeter>['stop']>;
interface Measured {
  seconds: number;
  used: CpuUsed;
}

/** One pipeline ingest (engine.sync of the synthetic chat source) into a fresh schema. */
async function pipelineIngest(items: number, schema: string): Promise<Measured> {
  const store = createPostgresStore({ connectionString: PG_URL, schema });
  const cpu = pgCpuMeter(store.pool);
  await store.migrate();
  const engine = createEngine({ store, connectors: [synthetic] });
  const source = await engine.sources.add({
    connector: 'synthetic',
    name: 'bench',
    config: { count: items, pageSize: 1000 },
  });
  cpu.start();
  const run = await timed(() => engine.sync(source.id));
  const used = cpu.stop();
  await engine.close();
  return { seconds: run.seconds, used };
}

/** The same rows with the same tsvector into the same schema, in batched INSERTs of 1,000 (no pipeline). */
async function rawInsert(items: number, schema: string): Promise<Measured> {
  const raw = createPostgresStore({ connectionString: PG_URL, schema });
  const cpu = pgCpuMeter(raw.pool);
  await raw.migrate();
  const rawSource = await raw.createSource({ ownerId: 'local', sourceType: 'synthetic', name: 'raw', config: {} });
  const now = new Date().toISOString();
  cpu.start();
  const run = await timed(async () => {
    for (let from = 0; from < items; from += 1000) {
      const batch = Array.from({ length: Math.min(1000, items - from) }, (_, k) =>
        syntheticItem(from + k, { seed: 1, kind: 'chat', revision: 1, start: Date.UTC(2025, 0, 1) }),
      );
      const client = await raw.pool.connect();
      try {
        await client.query('BEGIN');
        const ids = await client.query(
          `INSERT INTO memories (source_id, external_id, stream, content, content_type, author, container, thread, occurred_at, ingested_at, updated_at, content_hash, fingerprint)
           SELECT $1, e, 'messages', c, 'text', a, co, th, oa, $2, $2, repeat('f', 64), repeat('F', 43) FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[]) AS x(e, c, a, co, th, oa)
           ON CONFLICT DO NOTHING RETURNING id, content`,
          [
            rawSource.id,
            now,
            batch.map((b) => b.externalId),
            batch.map((b) => b.content),
            batch.map((b) => b.author),
            batch.map((b) => b.container),
            batch.map((b) => b.thread ?? null),
            batch.map((b) => b.occurredAt),
          ],
        );
        await client.query(
          `INSERT INTO chunks (memory_id, seq, text) SELECT * FROM unnest($1::bigint[], $2::int[], $3::text[])`,
          [ids.rows.map((r) => r.id), ids.rows.map(() => 0), ids.rows.map((r) => r.content)],
        );
        await client.query('COMMIT');
      } finally {
        client.release();
      }
    }
  });
  const used = cpu.stop();
  await raw.close();
  return { seconds: run.seconds, used };
}

/**
 * Pipeline ingest on PostgreSQL against a raw batched insert of the same rows into the same schema. Rounds
 * (BENCH_PG_ROUNDS, default 2) alternate which side goes first, so neither always meets the other's leftovers
 * (checkpoints, autovacuum, a warmer cache); the ratios are over the sums of all rounds.
 */
export async function benchPostgresPhase(items = Number(process.env.BENCH_PG_ITEMS ?? 200_000)): Promise<void> {
  const rounds = Math.max(1, Number(process.env.BENCH_PG_ROUNDS ?? 2));
  const admin = new pg.Pool({ connectionString: PG_URL, max: 2 });
  const schemas: string[] = [];
  const rows: Array<[string, string]> = [];
  const sum = { pipe: 0, raw: 0, pipeCpu: 0, rawCpu: 0 };
  const cpuOf = (u: CpuUsed) => u.nodeSeconds + u.pgSeconds;
  const cpu = (u: CpuUsed) =>
    u.local ? `; CPU ${fmt(u.nodeSeconds, 1)} s node + ${fmt(u.pgSeconds, 1)} s PostgreSQL` : '';
  let local = true;
  try {
    for (let r = 0; r < rounds; r++) {
      const pipeSchema = `bench_pipe_${process.pid}_${r}`;
      const rawSchema = `bench_raw_${process.pid}_${r}`;
      schemas.push(pipeSchema, rawSchema);
      let pipe: Measured;
      let raw: Measured;
      if (r % 2 === 0) {
        pipe = await pipelineIngest(items, pipeSchema);
        raw = await rawInsert(items, rawSchema);
      } else {
        raw = await rawInsert(items, rawSchema);
        pipe = await pipelineIngest(items, pipeSchema);
      }
      local &&= pipe.used.local && raw.used.local;
      sum.pipe += pipe.seconds;
      sum.raw += raw.seconds;
      sum.pipeCpu += cpuOf(pipe.used);
      sum.rawCpu += cpuOf(raw.used);
      const first = r % 2 === 0 ? 'pipeline first' : 'raw first';
      rows.push(
        [`round ${r + 1} (${first}): pipeline ingest`, `${fmt(items / pipe.seconds)} items/s${cpu(pipe.used)}`],
        [
          `round ${r + 1}: raw batched insert + tsvector`,
          `${fmt(items / raw.seconds)} rows/s${cpu(raw.used)} → ratio ${fmt(raw.seconds / pipe.seconds, 2)}` +
            (raw.used.local ? ` (CPU ratio ${fmt(cpuOf(raw.used) / cpuOf(pipe.used), 2)})` : ''),
        ],
      );
    }
    rows.push([
      `all ${rounds} round${rounds > 1 ? 's' : ''}`,
      `ratio ${fmt(sum.raw / sum.pipe, 2)} (target ≥ 0.80)` +
        (local ? `; CPU ratio ${fmt(sum.rawCpu / sum.pipeCpu, 2)}` : '') +
        `; load average ${fmt(os.loadavg()[0]!, 1)}`,
    ]);
    printTable(`PostgreSQL ingest (${fmt(items)} chat items)`, rows);
  } finally {
    for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`).catch(() => undefined);
    await admin.end();
  }
}

/** Sync throughput with 1, 2 and 4 workers against a latency-bound source (50 ms per page upstream). */
export async function benchWorkersPhase(): Promise<void> {
  const rows: Array<[string, string]> = [];
  let base = 0;
  for (const workers of [1, 2, 4]) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-bench-workers-'));
    try {
      const store = createSqliteStore({ path: path.join(dir, 'tributary.db') });
      await store.migrate();
      const engine = createEngine({ store, connectors: [synthetic] });
      const queue = createSqliteQueue({ db: store.db });
      const sources = 8;
      const perSource = 4000;
      for (let i = 0; i < sources; i++) {
        const s = await engine.sources.add({
          connector: 'synthetic',
          name: `s${i}`,
          config: { count: perSource, pageSize: 100, latencyMs: 50, seed: i + 1 },
        });
        await queue.enqueue({ type: 'synthetic:sync', payload: { sourceId: s.id, userId: 'local', options: {} } });
      }
      const worker = createWorker({ queue, runJob: createEngineRunJob(engine), concurrency: workers, pollMs: 20 });
      const run = await timed(async () => {
        worker.start();
        for (;;) {
          const st = await queue.stats();
          if (st.depth === 0 && st.inFlight === 0) break;
          await new Promise((r) => setTimeout(r, 50));
        }
      });
      await worker.stop();
      const total = await store.countMemories({});
      if (total !== sources * perSource)
        throw new Error(`bench: expected ${sources * perSource} memories, got ${total}`);
      const rate = total / run.seconds;
      if (workers === 1) base = rate;
      rows.push([`${workers} worker${workers > 1 ? 's' : ''}`, `${fmt(rate)} items/s (×${fmt(rate / base, 2)})`]);
      await queue.close();
      await engine.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  printTable('sync scaling, latency-bound source (50 ms per page of 100)', rows);
}
