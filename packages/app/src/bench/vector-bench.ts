import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type * as USearch from 'usearch';
import { createPipeline, createSqliteStore, type PreparedItem } from '@tributary/engine';
import { fmt, peakRssMb, percentile, printTable, timed } from './measure.js';

// usearch's CommonJS entry (its ESM entry cannot find its prebuilt binary, see vectors-ann.ts).
const usearch = createRequire(import.meta.url)('usearch') as typeof USearch;

/**
 * Vector search on the embedded store (sqlite-vec in the SQLite file) at BENCH_VECTOR_SIZES (default 100k and 1M
 * 384-d vectors), against raw sqlite-vec (a bare vec0 table, the same KNN query) and raw brute force (JavaScript on
 * one thread, and usearch's native exact search on every core), all measured in this run: p50/p95 of k=10. The scans
 * (raw sqlite-vec, JS brute force, Tributary exact) take BENCH_VECTOR_SCAN_QUERIES queries (default 20: seconds each
 * at 1M on a shared machine); the graph takes BENCH_VECTOR_QUERIES (default 200). The HNSW side index (usearch,
 * vectors-ann.ts) is built by its worker thread (timed until it is ready), then: p50/p95 and recall@10 against
 * exact ground truth, unfiltered, for one owner of ten and for one source of ten. BENCH_VECTOR_DIR keeps the
 * databases and the graph file between runs (a 1M load and build take tens of minutes here): a rerun reuses them.
 * Then the embedding backlog's overhead on ingest: the same pages committed with backlog recording off and on.
 */
const DIM = 384;
const K = 10;

function random(seed: number): () => number {
  let s = seed >>> 0;
  return (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  };
}

/** 1000 topic centers, shared by the stored vectors and the queries (queries ask about what is stored). */
const CENTERS = (() => {
  const rnd = random(42);
  return new Float32Array(1000 * DIM).map(() => rnd());
})();

/** Clustered unit vectors (a topic + noise): closer to real embeddings than uniform noise. Deterministic. */
function makeVectors(n: number, seed: number): Float32Array {
  const rnd = random(seed);
  const centers = CENTERS;
  const out = new Float32Array(n * DIM);
  for (let i = 0; i < n; i++) {
    const c = (i * 7919) % 1000;
    let norm = 0;
    for (let d = 0; d < DIM; d++) {
      const x = centers[c * DIM + d]! + 0.6 * rnd();
      out[i * DIM + d] = x;
      norm += x * x;
    }
    norm = Math.sqrt(norm);
    for (let d = 0; d < DIM; d++) out[i * DIM + d]! /= norm;
  }
  return out;
}

const row = (all: Float32Array, i: number): Float32Array => all.subarray(i * DIM, (i + 1) * DIM);

/** Exact k nearest by cosine (vectors are unit length: the largest dot products), one thread. */
function bruteForce(all: Float32Array, n: number, q: Float32Array, k: number): number[] {
  const best: Array<[number, number]> = [];
  for (let i = 0; i < n; i++) {
    let dot = 0;
    const o = i * DIM;
    for (let d = 0; d < DIM; d++) dot += all[o + d]! * q[d]!;
    if (best.length < k || dot > best[best.length - 1]![0]) {
      best.push([dot, i]);
      best.sort((a, b) => b[0] - a[0]);
      if (best.length > k) best.pop();
    }
  }
  return best.map(([, i]) => i);
}

/** usearch's exact search (every core): the k nearest rows of `dataset` for each query, by row number. */
function exactTruth(dataset: Float32Array, queries: Float32Array, count: number, k: number): number[][] {
  const found = usearch.exactSearch(dataset, queries.subarray(0, count * DIM), DIM, k, usearch.MetricKind.Cos, 0) as {
    keys: BigUint64Array;
    counts?: BigUint64Array;
  };
  // One query answers Matches (no counts), several BatchMatches.
  return Array.from({ length: count }, (_, q) =>
    Array.from(found.keys.subarray(q * k, q * k + (found.counts ? Number(found.counts[q]) : k)), Number),
  );
}

/** Every tenth row from `offset` on: the vectors of one owner (or source) of ten. */
function everyTenth(all: Float32Array, n: number, offset: number): Float32Array {
  const out = new Float32Array(Math.ceil((n - offset) / 10) * DIM);
  for (let i = offset, j = 0; i < n; i += 10, j++) out.set(row(all, i), j * DIM);
  return out;
}

async function latencies(fn: (q: Float32Array) => Promise<unknown> | unknown, queries: Float32Array, count: number) {
  const ms: number[] = [];
  // CPU of the whole process (every thread: the graph's worker, usearch's threads) per query: on a shared machine
  // wall time is mostly waiting for a core.
  const cpu = process.cpuUsage();
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint();
    await fn(row(queries, i));
    ms.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  const used = process.cpuUsage(cpu);
  return { p50: percentile(ms, 50), p95: percentile(ms, 95), cpu: (used.user + used.system) / 1000 / count };
}

const recallOf = (got: string[][], truth: number[][], toHash: (i: number) => string): number => {
  let hits = 0;
  let wanted = 0;
  got.forEach((hashes, q) => {
    const top = new Set(truth[q]!.map(toHash));
    wanted += top.size;
    hits += hashes.filter((h) => top.has(h)).length;
  });
  return hits / Math.max(1, wanted);
};

async function benchSize(n: number, queryCount: number, scanCount: number): Promise<void> {
  const keep = process.env.BENCH_VECTOR_DIR ? path.resolve(process.env.BENCH_VECTOR_DIR, `n${n}`) : null;
  if (keep) mkdirSync(keep, { recursive: true });
  const dir = keep ?? mkdtempSync(path.join(os.tmpdir(), 'tributary-vec-bench-'));
  try {
    const vectors = makeVectors(n, 1);
    const queries = makeVectors(queryCount, 2);
    // The shipped defaults: the graph from 20,000 vectors on, built on every core in its worker thread.
    const store = createSqliteStore({ path: path.join(dir, 'store.db') });
    await store.migrate();
    const index = store.vectorIndex as typeof store.vectorIndex & { graphReady(modelId: string): Promise<void> };
    await index.ensureModel({ id: 'bench', dimensions: DIM });
    const stored = await index.count('bench');
    const load = await timed(async () => {
      for (let i = stored; i < n; i += 2000) {
        const points = [];
        for (let j = i; j < Math.min(n, i + 2000); j++)
          points.push({
            hash: `h${j}`,
            vector: row(vectors, j),
            scopes: [{ ownerId: j % 10 === 0 ? 'owner-a' : 'owner-b', sourceId: `s${j % 10}` }],
          });
        await index.upsert('bench', points);
      }
    });

    // A bare vec0 table on its own connection (the store opens the file and loads sqlite-vec; nothing else of it
    // is used): the raw baseline of the same KNN query.
    const rawFile = path.join(dir, 'raw.db');
    const rawStore = createSqliteStore({ path: rawFile });
    const raw = rawStore.db;
    raw.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS v USING vec0(embedding float[${DIM}] distance_metric=cosine)`);
    const rawCount = raw.prepare('SELECT count(*) FROM v').pluck().get() as number;
    if (rawCount !== n) {
      raw.exec('DELETE FROM v');
      const ins = raw.prepare('INSERT INTO v (rowid, embedding) VALUES (?, ?)');
      raw.transaction(() => {
        for (let i = 0; i < n; i++) ins.run(BigInt(i), Buffer.from(row(vectors, i).slice().buffer));
      })();
    }
    const knn = raw.prepare('SELECT rowid, distance FROM v WHERE embedding MATCH ? AND k = ?');

    // The graph: built by its worker from vec0 (or loaded from a kept file) while the scans below run on this thread,
    // as in a server (a 1M build takes tens of minutes here); timed until it is ready.
    // BENCH_VECTOR_GRAPH=0 measures the scans only (the 1M graph takes longer to build here than a session has).
    const withGraph = process.env.BENCH_VECTOR_GRAPH !== '0';
    const reused = readdirSync(dir).some((f) => f.includes('.ann-') && f.endsWith('.usearch'));
    const building = withGraph ? timed(async () => index.graphReady('bench')) : null;
    building?.catch(() => undefined); // awaited below; a failure must not end the process before that

    const rawVec = await latencies((q) => knn.all(Buffer.from(q.slice().buffer), K), queries, scanCount);
    const brute = await latencies((q) => bruteForce(vectors, n, q, K), queries, Math.min(scanCount, 10));
    const native = await latencies((q) => exactTruth(vectors, q, 1, K), queries, scanCount);
    const exact = await latencies((q) => index.search('bench', { vector: q, k: K, exact: true }), queries, scanCount);
    const fastestRaw = Math.min(rawVec.p95, brute.p95, native.p95);
    const vsRaw = (p95: number): string => `(${fmt(p95 / fastestRaw, 2)}× the fastest raw)`;
    // Printed before the graph is awaited: a run stopped during a long build still leaves the scans' figures.
    printTable(
      `Vector search, ${fmt(n)} × ${DIM}-d vectors, k=${K}, scans, ${scanCount} queries (p50 / p95 ms)${building && !reused ? ', CPU includes the graph build running beside them' : ''}`,
      [
        [
          'load into Tributary (upsert)',
          stored >= n ? 'reused (BENCH_VECTOR_DIR)' : `${fmt(n / load.seconds)} vectors/s`,
        ],
        [
          'raw sqlite-vec (vec0 KNN)',
          `${fmt(rawVec.p50, 1)} / ${fmt(rawVec.p95, 1)}, CPU ${fmt(rawVec.cpu, 1)} ms/query`,
        ],
        [
          `raw brute force (JS, 1 thread, ${Math.min(scanCount, 10)} queries)`,
          `${fmt(brute.p50, 1)} / ${fmt(brute.p95, 1)}, CPU ${fmt(brute.cpu, 1)} ms/query`,
        ],
        [
          `raw brute force (usearch exact, ${os.availableParallelism()} threads)`,
          `${fmt(native.p50, 1)} / ${fmt(native.p95, 1)}, CPU ${fmt(native.cpu, 1)} ms/query`,
        ],
        [
          'Tributary exact',
          `${fmt(exact.p50, 1)} / ${fmt(exact.p95, 1)}  ${vsRaw(exact.p95)}, CPU ${fmt(exact.cpu, 1)} ms/query`,
        ],
        ['RSS so far', `${fmt(peakRssMb())} MB`],
      ],
    );
    if (!building) {
      await rawStore.close();
      await store.close();
      return;
    }
    const build = await building;
    const graphBytes = readdirSync(dir)
      .filter((f) => f.includes('.ann-') && f.endsWith('.usearch'))
      .reduce((sum, f) => sum + statSync(path.join(dir, f)).size, 0);
    const graph = await latencies((q) => index.search('bench', { vector: q, k: K }), queries, queryCount);

    // Recall@10 against exact ground truth (usearch's exact search): overall, owner-a (rows ≡ 0 mod 10), s3 (≡ 3).
    const hashesOf = async (filter?: { ownerId?: string; sourceIds?: string[] }) => {
      const out: string[][] = [];
      for (let i = 0; i < queryCount; i++)
        out.push((await index.search('bench', { vector: row(queries, i), k: K, filter })).map((m) => m.hash));
      return out;
    };
    const recall = recallOf(await hashesOf(), exactTruth(vectors, queries, queryCount, K), (i) => `h${i}`);
    // Printed before the filtered searches, which can take long at 1M (some fall back to the exact filtered scan).
    printTable(
      `Vector search, ${fmt(n)} × ${DIM}-d vectors, k=${K}, HNSW graph, ${queryCount} queries (p50 / p95 ms)`,
      [
        [
          `HNSW ${reused ? 'load from kept file' : 'build in worker, beside the scans'} (M=16, ef 128)`,
          `${fmt(build.seconds, 1)} s, file ${fmt(graphBytes / 1048576)} MB`,
        ],
        [
          'Tributary HNSW (default from 20k)',
          `${fmt(graph.p50, 1)} / ${fmt(graph.p95, 1)}  ${vsRaw(graph.p95)}, CPU ${fmt(graph.cpu, 1)} ms/query, recall@10 ${fmt(recall, 3)}`,
        ],
        ['peak RSS', `${fmt(peakRssMb())} MB`],
      ],
    );

    const byOwner = await latencies(
      (q) => index.search('bench', { vector: q, k: K, filter: { ownerId: 'owner-a' } }),
      queries,
      queryCount,
    );
    const ownerRecall = recallOf(
      await hashesOf({ ownerId: 'owner-a' }),
      exactTruth(everyTenth(vectors, n, 0), queries, queryCount, K),
      (i) => `h${i * 10}`,
    );
    const bySource = await latencies(
      (q) => index.search('bench', { vector: q, k: K, filter: { sourceIds: ['s3'] } }),
      queries,
      queryCount,
    );
    const sourceRecall = recallOf(
      await hashesOf({ sourceIds: ['s3'] }),
      exactTruth(everyTenth(vectors, n, 3), queries, queryCount, K),
      (i) => `h${i * 10 + 3}`,
    );
    printTable(`Vector search, ${fmt(n)} × ${DIM}-d vectors, k=${K}, HNSW graph, filtered, ${queryCount} queries`, [
      [
        'Tributary HNSW, one owner of ten',
        `${fmt(byOwner.p50, 1)} / ${fmt(byOwner.p95, 1)}, CPU ${fmt(byOwner.cpu, 1)} ms/query, recall@10 ${fmt(ownerRecall, 3)}`,
      ],
      [
        'Tributary HNSW, one source of ten',
        `${fmt(bySource.p50, 1)} / ${fmt(bySource.p95, 1)}, CPU ${fmt(bySource.cpu, 1)} ms/query, recall@10 ${fmt(sourceRecall, 3)}`,
      ],
      ['peak RSS', `${fmt(peakRssMb())} MB`],
    ]);
    await rawStore.close();
    await store.close();
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

let runs = 0;

/** Commits `items` chat items in pages of 1000 with backlog recording off or on, into a new file; seconds. */
async function ingest(dir: string, items: number, backlog: boolean): Promise<number> {
  const store = createSqliteStore({ path: path.join(dir, `ingest-${++runs}.db`) });
  await store.migrate();
  if (backlog) await store.embeddingQueue.enable();
  const source = await store.createSource({ ownerId: 'local', sourceType: 'bench', name: 'b', config: {} });
  const pipeline = createPipeline();
  const pages: PreparedItem[][] = [];
  for (let i = 0; i < items; i += 1000) {
    const page: PreparedItem[] = [];
    for (let j = i; j < Math.min(items, i + 1000); j++) {
      const item = {
        externalId: `m${j}`,
        stream: 'messages',
        content: `message ${j} about the release plan ${j % 97}`,
      };
      page.push(pipeline.prepare(item, `fp${j}`) as PreparedItem);
    }
    pages.push(page);
  }
  const { seconds } = await timed(async () => {
    for (const page of pages)
      await store.commitPage({ sourceId: source.id, runId: null, items: page, deletes: [], checkpoint: undefined });
  });
  if (backlog && (await store.embeddingQueue.size()) !== items) throw new Error('backlog lost entries');
  await store.close();
  return seconds;
}

export async function benchVectorsPhase(): Promise<void> {
  const sizes = (process.env.BENCH_VECTOR_SIZES ?? '100000,1000000')
    .split(',')
    .map(Number)
    .filter((n) => n > 0);
  const queries = Number(process.env.BENCH_VECTOR_QUERIES ?? 200);
  const scans = Math.min(queries, Number(process.env.BENCH_VECTOR_SCAN_QUERIES ?? 20));
  for (const n of sizes) await benchSize(n, queries, scans);

  const items = Number(process.env.BENCH_BACKLOG_ITEMS ?? 100_000);
  if (!(items > 0)) return;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-backlog-bench-'));
  try {
    // Interleaved, best of five each: on a shared machine single runs vary by ±25 % (measured), far more than the
    // difference sought; the best run of each is the least disturbed.
    let off = Infinity;
    let on = Infinity;
    for (let round = 0; round < 5; round++) {
      off = Math.min(off, await ingest(dir, items, false));
      on = Math.min(on, await ingest(dir, items, true));
    }
    printTable(`Embedding backlog overhead on ingest (${fmt(items)} items, pages of 1000, best of 5 interleaved)`, [
      ['backlog recording off', `${fmt(items / off)} items/s`],
      ['backlog recording on', `${fmt(items / on)} items/s`],
      ['overhead', `${fmt(((on - off) / off) * 100, 1)} % (target ≤ 5 %)`],
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
