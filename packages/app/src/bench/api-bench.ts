import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinConnectors } from '@tributary/connectors';
import { createEngine, createSqliteStore, LOCAL_USER_ID } from '@tributary/engine';
import { startServer } from '../api/server.js';
import { itemFromWire } from '../api/wire.js';
import { issueToken } from '../auth/tokens.js';
import { fmt, percentile, printTable, timed } from './measure.js';

const BATCH = 500;
const CONCURRENCY = 20;
const QUERIES = [
  'flamingo',
  'deploy budget',
  'migrat*',
  '"release notes"',
  'pelican',
  'incident review',
  'zebra',
  'customer launch',
  'index',
  'rollback',
];
/** A small vocabulary so a query word matches a few percent of the items, as in real chat, not all of them. */
const WORDS = (
  'flamingo deploy budget migration migrate release notes pelican incident review zebra customer launch index rollback ' +
  'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo ' +
  'sierra tango uniform victor whiskey xray yankee zulu database queue worker schedule meeting lunch coffee design ' +
  'sprint ticket bug fix test build cache latency memory storage network server client browser mobile laptop'
).split(' ');
const pick = (k: number, salt: number): string =>
  WORDS[((Math.imul(k + 1, 2654435761) >>> 0) % (WORDS.length + salt)) % WORDS.length]!;

export interface ApiBenchResult {
  items: number;
  httpIngestPerSec: number;
  inProcessIngestPerSec: number;
  /** HTTP rate / in-process rate (1.0 = no HTTP overhead). */
  ratio: number;
  searchP50Ms: number;
  searchP95Ms: number;
  /** p50 of one client searching alone: the per-request cost without queueing. */
  serialSearchP50Ms: number;
  concurrency: 20;
}

/** `n` items in the seed's wire format (what an exporter sends). */
function wireBatch(prefix: string, from: number, n: number) {
  return Array.from({ length: n }, (_, i) => {
    const k = from + i;
    return {
      external_id: `${prefix}-${k}`,
      content: `Message ${k} from user${k % 7}: ${[1, 2, 3, 4, 5, 6, 7, 8].map((salt) => pick(k * 31 + salt * 7919, salt)).join(' ')} (${k % 101}).`,
      metadata: {
        timestamp: new Date(Date.UTC(2025, 0, 1) + k * 30_000).toISOString(),
        author: `user${k % 7}`,
        channel: `#chan${k % 5}`,
        thread_id: `t${Math.floor(k / 20)}`,
      },
    };
  });
}

/**
 * Push ingestion over HTTP (batches of 500 with checkpoints, like an exporter) against `engine.ingest` of the same
 * items in-process, in the same run on the same machine; then search latency over HTTP under 20 concurrent clients.
 * Size: BENCH_API_ITEMS (default 50,000).
 */
export async function benchApi(items = Number(process.env.BENCH_API_ITEMS ?? 50_000)): Promise<ApiBenchResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-api-bench-'));
  const store = createSqliteStore({ path: path.join(dir, 'tributary.db') });
  await store.migrate();
  const engine = createEngine({ store, connectors: builtinConnectors });
  const server = await startServer({ engine, port: 0, limits: { rateLimit: false } });
  try {
    const { token } = await issueToken(store, { userId: LOCAL_USER_ID, name: 'bench' });
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

    // 1. In-process: the engine's ingest on the same batches (mapped from the wire format beforehand).
    const local = await engine.sources.add({ connector: 'push', name: 'in-process' });
    const inProcess = await timed(async () => {
      for (let from = 0; from < items; from += BATCH) {
        const batch = wireBatch('local', from, Math.min(BATCH, items - from)).map(itemFromWire);
        await engine.ingest(local.id, { items: batch, checkpoint: { offset: from + batch.length } });
      }
    });

    // 2. Over HTTP: JSON encoding, the socket, validation, auth and mapping on top of the same ingest.
    const remote = await engine.sources.add({ connector: 'push', name: 'over-http' });
    const http = await timed(async () => {
      for (let from = 0; from < items; from += BATCH) {
        const body = JSON.stringify({
          items: wireBatch('remote', from, Math.min(BATCH, items - from)),
          checkpoint: { offset: from + BATCH },
        });
        const res = await fetch(`${server.url}/api/v1/sources/${remote.id}/ingest`, { method: 'POST', headers, body });
        if (res.status !== 200) throw new Error(`bench: ingest answered ${res.status}: ${await res.text()}`);
        await res.arrayBuffer();
      }
    });
    if ((await store.countMemories({ sourceId: remote.id })) !== items)
      throw new Error('bench: HTTP ingest lost items');

    // 3. Search over HTTP: one client alone (the per-request cost), then 20 clients at once, each running the query list several times.
    const latencies: number[] = [];
    const client = async (c: number, rounds = 5): Promise<void> => {
      for (let round = 0; round < rounds; round++) {
        for (let q = 0; q < QUERIES.length; q++) {
          const query = QUERIES[(q + c) % QUERIES.length]!;
          const start = process.hrtime.bigint();
          const res = await fetch(`${server.url}/api/v1/search?q=${encodeURIComponent(query)}&limit=10`, { headers });
          await res.arrayBuffer();
          if (res.status !== 200) throw new Error(`bench: search answered ${res.status}`);
          latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
        }
      }
    };
    await client(0, 3);
    const serial = latencies.splice(0);
    await Promise.all(Array.from({ length: CONCURRENCY }, (_, c) => client(c)));

    const result: ApiBenchResult = {
      items,
      httpIngestPerSec: items / http.seconds,
      inProcessIngestPerSec: items / inProcess.seconds,
      ratio: inProcess.seconds / http.seconds,
      searchP50Ms: percentile(latencies, 50),
      searchP95Ms: percentile(latencies, 95),
      serialSearchP50Ms: percentile(serial, 50),
      concurrency: CONCURRENCY,
    };
    printTable(`API — ${fmt(items)} pushed items, batches of ${BATCH}; search with ${CONCURRENCY} concurrent clients`, [
      ['ingest over HTTP', `${fmt(result.httpIngestPerSec)} items/s`],
      ['engine.ingest in-process', `${fmt(result.inProcessIngestPerSec)} items/s`],
      ['HTTP / in-process', `${fmt(result.ratio * 100, 1)} %`],
      ['search p50 (HTTP)', `${fmt(result.searchP50Ms, 1)} ms`],
      ['search p95 (HTTP)', `${fmt(result.searchP95Ms, 1)} ms`],
      ['search p50 (HTTP, 1 client)', `${fmt(result.serialSearchP50Ms, 1)} ms`],
      ['search requests', fmt(latencies.length + serial.length)],
    ]);
    return result;
  } finally {
    await server.close();
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// `node --conditions=source --import tsx packages/app/src/bench/api-bench.ts`
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await benchApi();
