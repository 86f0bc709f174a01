import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEngine, createSqliteStore, LOCAL_USER_ID, type Engine } from '@tributary/engine';
import { synthetic } from '@tributary/connectors/synthetic/index';
import { zipfWord } from '@tributary/connectors/synthetic/zipf';
import { spanText } from '@tributary/engine/store/sqlite/chunk-text';
import { decodeContent } from '@tributary/engine/store/sqlite/content-codec';
import { snippet, snippetTerms } from '@tributary/engine/store/sqlite/snippet';
import { zipfDataDir } from './zipf-store.js';
import { fmt, percentile, printTable, timed } from './measure.js';

/** Query buckets by word rank in the Zipf vocabulary (rank 1 is in ~92% of items). */
const BUCKETS: Array<{ name: string; queries: string[] }> = [
  { name: 'rare word (rank 3,000–19,000)', queries: spread(3000, 19_000, 20).map(zipfWord) },
  { name: 'mid-frequency word (rank 30–300)', queries: spread(30, 300, 20).map(zipfWord) },
  {
    name: 'two co-occurring words (ranks 5–80)',
    queries: spread(5, 40, 10).flatMap((r) => [
      `${zipfWord(r)} ${zipfWord(r + 40)}`,
      `${zipfWord(r + 1)} ${zipfWord(2 * r)}`,
    ]),
  },
  { name: 'very common word (rank 1–4)', queries: [1, 2, 3, 4].map(zipfWord) },
];
const ROUNDS = 5;
/** Untimed passes over a bucket's queries before timing it (BENCH_SEARCH_WARMUP; 1 before issue 13's last round). */
const WARMUP_PASSES = Math.max(1, Number(process.env.BENCH_SEARCH_WARMUP ?? 5));

function spread(from: number, to: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => Math.round(from + ((to - from) * i) / Math.max(1, n - 1)));
}

/** CPU milliseconds of each CLI run, gathered beside the wall times (see {@link cliWallMs}). */
let cpuLog: number[] = [];

interface Timings {
  /** Wall ms per query. */
  ms: number[];
  /** CPU ms (user + system of this process) per query. */
  cpu: number[];
}

/**
 * Wall and CPU ms per query of each of `runs`, interleaved: every query runs on each side in turn, the side going
 * first rotating with the round, so both see the same machine (the load here changes by the minute) and the same
 * cache. On a machine shared with other work the wall times mostly measure waiting for a core, so the bench states
 * CPU figures too.
 */
async function latencies(runs: Array<(q: string) => unknown>, queries: string[]): Promise<Timings[]> {
  const out = runs.map((): Timings => ({ ms: [], cpu: [] }));
  // Untimed passes first, for every side alike: otherwise whichever side runs first pays for reading the bucket's
  // pages into the cache (and the engine for preparing its statements), and the others find them warm. Several, so
  // that V8 has compiled the engine's code: process CPU time counts its compiler threads, and after one pass of 20
  // queries the engine's rare-word p50 was 0.1–0.2 ms above its steady state (raw bm25 is one native call).
  for (let pass = 0; pass < WARMUP_PASSES; pass++) for (const run of runs) for (const q of queries) await run(q);
  for (let round = 0; round < ROUNDS; round++) {
    for (const q of queries) {
      for (let k = 0; k < runs.length; k++) {
        const i = (k + round) % runs.length;
        const c0 = process.cpuUsage();
        out[i]!.ms.push((await timed(() => runs[i]!(q))).seconds * 1000);
        const c = process.cpuUsage(c0);
        out[i]!.cpu.push((c.user + c.system) / 1000);
      }
    }
  }
  return out;
}

/** CPU seconds of this process's waited-for children so far (Linux /proc; 0 elsewhere). */
function childCpuSeconds(): number {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100; // cutime + cstime, in clock ticks (USER_HZ = 100)
  } catch {
    return 0;
  }
}

/** Wall time of `tributary search` as a user runs it: a new process each time; its CPU ms go to `cpuLog`. */
function cliWallMs(dataDir: string, word: string): number[] {
  // packages/app/dist/cli/main.js, from dist/bench/ and from src/bench/ alike.
  const cli = path.resolve(fileURLToPath(import.meta.url), '../../../dist/cli/main.js');
  const out: number[] = [];
  cpuLog = [];
  for (let i = 0; i < 5; i++) {
    const cpu0 = childCpuSeconds();
    const start = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [cli, '--data-dir', dataDir, 'search', word, '--limit', '10'], {
      encoding: 'utf8',
      env: { ...process.env, TRIBUTARY_DATABASE_URL: '', TRIBUTARY_REDIS_URL: '' },
    });
    out.push(Number(process.hrtime.bigint() - start) / 1e6);
    cpuLog.push((childCpuSeconds() - cpu0) * 1000);
    if (r.status !== 0) throw new Error(`tributary search failed: ${r.stderr}`);
  }
  return out;
}

/**
 * Search at scale on realistic text: BENCH_SEARCH_ITEMS (default 1,000,000) Zipf-distributed chat messages, query
 * buckets by word frequency, the engine's search against raw FTS5 bm25 on the same database, p50/p95 per bucket;
 * then `tributary search` wall time, process start included. Targets: p95 ≤ 2 × raw and ≤ 15 ms for the rare,
 * mid and two-word buckets; ≤ 100 ms for the very common word; CLI ≤ 0.6 s.
 */
export async function benchSearchPhase(): Promise<void> {
  const items = Number(process.env.BENCH_SEARCH_ITEMS ?? 1_000_000);
  const dataDir = await zipfDataDir(items, 'search', process.env.BENCH_SEARCH_DIR);
  const store = createSqliteStore({ path: path.join(dataDir, 'tributary.db') });
  await store.migrate();
  const engine: Engine = createEngine({ store, connectors: [synthetic] });
  const raw = store.db.prepare(
    `SELECT rowid, bm25(chunks_fts) AS score FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY score LIMIT 10`,
  );
  const count = store.db.prepare(`SELECT count(*) AS n FROM chunks_fts WHERE chunks_fts MATCH ?`);
  // The same answer by hand: raw bm25, then each hit's row and chunk span, and its snippet cut from the chunk's text
  // as the product cuts it (the index is contentless: FTS5's snippet() has no text and returns NULL).
  const rowOf = store.db.prepare(
    `SELECT m.*, c.at AS span_at, c.len AS span_len, c.own_text AS span_own
     FROM chunks c JOIN memories m ON m.id = c.memory_id WHERE c.id = ?`,
  );
  const byHand = (q: string): void => {
    const terms = snippetTerms(q);
    for (const r of raw.all(q) as Array<{ rowid: number }>) {
      const row = rowOf.get(r.rowid) as {
        content: unknown;
        span_at: number;
        span_len: number;
        span_own: string | null;
      };
      const text = spanText(decodeContent(row.content), row.span_at, row.span_len, row.span_own);
      if (!snippet(text, terms, '<mark>', '</mark>', '…', 24).includes('<mark>')) throw new Error(`no match in ${q}`);
    }
  };
  const rows: Array<[string, string]> = [];
  for (const b of BUCKETS) {
    const matches = b.queries.map((q) => (count.get(q) as { n: number }).n / items);
    const [e, r, h] = await latencies(
      // As every search of the product: on behalf of its user (the CLI's and the API's queries carry the owner).
      [(q) => engine.search({ text: q, limit: 10, ownerId: LOCAL_USER_ID }), (q) => raw.all(q), byHand],
      b.queries,
    );
    const [engineMs, engineCpu, rawMs, rawCpu, handMs] = [e!.ms, e!.cpu, r!.ms, r!.cpu, h!.ms];
    const e95 = percentile(engineMs, 95);
    const r95 = percentile(rawMs, 95);
    rows.push([
      b.name,
      `matches ${fmt(100 * Math.min(...matches), 3)}–${fmt(100 * Math.max(...matches), 1)}% of items; engine p50/p95 ` +
        `${fmt(percentile(engineMs, 50), 2)} / ${fmt(e95, 2)} ms; raw bm25 ${fmt(percentile(rawMs, 50), 2)} / ` +
        `${fmt(r95, 2)} ms → p95 ratio ${fmt(e95 / Math.max(0.001, r95), 2)}; raw + rows + snippets ` +
        `${fmt(percentile(handMs, 50), 2)} / ${fmt(percentile(handMs, 95), 2)} ms; CPU p50/p95 engine ` +
        `${fmt(percentile(engineCpu, 50), 2)} / ${fmt(percentile(engineCpu, 95), 2)} ms, raw ` +
        `${fmt(percentile(rawCpu, 50), 2)} / ${fmt(percentile(rawCpu, 95), 2)} ms → CPU p95 ratio ` +
        `${fmt(percentile(engineCpu, 95) / Math.max(0.001, percentile(rawCpu, 95)), 2)}; load average ` +
        `${fmt(os.loadavg()[0]!, 1)}`,
    ]);
  }
  await engine.close();
  const cli = cliWallMs(dataDir, zipfWord(120));
  const cliCpu = cpuLog;
  const cliCommon = cliWallMs(dataDir, zipfWord(1));
  const cliCommonCpu = cpuLog;
  rows.push([
    'tributary search (new process)',
    `mid word p50/max ${fmt(percentile(cli, 50))} / ${fmt(Math.max(...cli))} ms; very common word ` +
      `${fmt(percentile(cliCommon, 50))} / ${fmt(Math.max(...cliCommon))} ms (target ≤ 600); process CPU p50 ` +
      `${fmt(percentile(cliCpu, 50))} / ${fmt(percentile(cliCommonCpu, 50))} ms; load average ${fmt(os.loadavg()[0]!, 1)}`,
  ]);
  printTable(`search (${fmt(items)} Zipf chat items, SQLite, ${WARMUP_PASSES} untimed + ${ROUNDS} rounds)`, rows);
}
