import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  createHttpClient,
  parseConfig,
  resolveFeatures,
  silentLogger,
  systemClock,
  unlimited,
  type ReadContext,
  createMemoryState,
} from '@tributary/sdk';
import type { LogsCheckpoint } from './checkpoint.js';
import type { LogsConfig } from './config.js';
import { logsConnector } from './index.js';

/** Result of {@link benchLogs}. */
export interface LogsBenchResult {
  lines: number;
  seconds: number;
  linesPerSec: number;
  /** Highest RSS sampled while reading (after generation), in MiB. */
  peakRssMb: number;
}

const METHODS = ['GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE'];

async function writeLog(file: string, lines: number): Promise<void> {
  const out = createWriteStream(file);
  for (let n = 0; n < lines; n++) {
    const sec = n % 86_400;
    const hh = String(Math.floor(sec / 3600)).padStart(2, '0');
    const mm = String(Math.floor(sec / 60) % 60).padStart(2, '0');
    const ss = String(sec % 60).padStart(2, '0');
    const line = `10.${n % 200}.${(n >> 8) % 256}.${n % 97} - - [21/Nov/2026:${hh}:${mm}:${ss} +0000] "${METHODS[n % METHODS.length]} /api/v1/items/${n % 5000}?page=${n % 13} HTTP/1.1" ${n % 50 === 0 ? 500 : 200} ${n % 9000} "https://example.com/" "Mozilla/5.0 (X11; Linux x86_64) bench/${n % 7}"\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/**
 * Generates a combined-format access log of `lines` lines in a temp dir and reads it through the `logs` connector
 * (one item per request), reporting throughput and peak memory. Called by `npm run bench`.
 * @default lines 1_000_000
 */
export async function benchLogs(options: { lines?: number } = {}): Promise<LogsBenchResult> {
  const lines = options.lines ?? 1_000_000;
  const dir = mkdtempSync(path.join(tmpdir(), 'tributary-bench-logs-'));
  try {
    const file = path.join(dir, 'access.log');
    await writeLog(file, lines);
    const config = parseConfig(logsConnector, { paths: [file] }) as LogsConfig;
    const ctx: ReadContext<LogsConfig, LogsCheckpoint> = {
      sourceId: 'bench-logs',
      config,
      features: resolveFeatures(logsConnector.manifest),
      checkpoint: undefined,
      state: createMemoryState(),
      mode: 'backfill',
      since: undefined,
      hints: {},
      progress: () => undefined,
      credentials: { get: async () => undefined, refresh: async () => undefined },
      http: createHttpClient({ logger: silentLogger }),
      rateLimiter: unlimited,
      logger: silentLogger,
      signal: new AbortController().signal,
      clock: systemClock,
      countApiCall: () => undefined,
      countRateLimitWait: () => undefined,
    };
    let read = 0;
    let peak = process.memoryUsage.rss();
    const started = process.hrtime.bigint();
    for await (const page of logsConnector.read(ctx)) {
      read += page.items?.length ?? 0;
      peak = Math.max(peak, process.memoryUsage.rss());
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return {
      lines: read,
      seconds,
      linesPerSec: Math.round(read / seconds),
      peakRssMb: Math.round((peak / 2 ** 20) * 10) / 10,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
