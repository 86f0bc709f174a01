import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createHttpClient,
  createLogger,
  parseConfig,
  resolveFeatures,
  systemClock,
  unlimited,
  type ReadContext,
  createMemoryState,
} from '@tributary/sdk';
import { loadBenchMessages, writeBenchMbox } from './bench-corpus.js';
import type { MboxCheckpoint } from './checkpoint.js';
import type { MboxConfig } from './config.js';
import { mboxConnector } from './index.js';

/** Options of {@link benchMbox}. */
export interface BenchMboxOptions {
  /** Size of the generated mbox. @default 1 GiB */
  targetBytes?: number;
  /** Real messages to copy (.eml files and mbox files, searched recursively). @default the shared test data's email/ */
  sourceDir?: string;
}

/** What {@link benchMbox} measured. */
export interface BenchMboxResult {
  /** Size of the generated mbox. */
  bytes: number;
  /** Messages the connector read (items yielded). */
  messages: number;
  /** Messages written into the mbox (copies of the real ones, each with its own Message-ID). */
  written: number;
  /** Real messages the copies were made from. */
  sources: number;
  /** Per-message errors the connector reported. */
  errors: number;
  /** Reading time only (generation excluded). */
  seconds: number;
  mbPerSec: number;
  messagesPerSec: number;
  /** Highest RSS seen at any page while reading. */
  peakRssMb: number;
  /** RSS before reading, then each time another ~10% of the messages was read. */
  rssSamplesMb: number[];
}

// src/mbox/bench.ts (or dist/mbox/bench.js) → the repository root; the shared test data sits beside it.
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const DEFAULT_SOURCES = path.resolve(repoRoot, '../shared/testdata/email');
const MB = 1024 * 1024;
const rssMb = (): number => Math.round((process.memoryUsage.rss() / MB) * 10) / 10;

/** A read context as the engine would build one, without test plumbing (logs are dropped). */
function benchContext(file: string): ReadContext<MboxConfig, MboxCheckpoint> {
  const logger = createLogger(() => undefined);
  const signal = new AbortController().signal;
  return {
    sourceId: 'bench-mbox',
    config: parseConfig(mboxConnector, { path: file }),
    features: resolveFeatures(mboxConnector.manifest),
    credentials: { get: async () => undefined, refresh: async () => undefined },
    http: createHttpClient({ clock: systemClock, logger, signal }),
    rateLimiter: unlimited,
    logger,
    signal,
    clock: systemClock,
    countApiCall: () => undefined,
    countRateLimitWait: () => undefined,
    checkpoint: undefined,
    state: createMemoryState(),
    mode: 'backfill',
    since: undefined,
    hints: {},
    progress: () => undefined,
  };
}

/**
 * Benchmarks the mbox connector on a large file: writes an mbox of `targetBytes` into a temp folder by copying the
 * real test messages (each copy a distinct message), reads it through `read()` counting messages and sampling RSS
 * (it should stay flat: the connector streams), then deletes the folder.
 * @example const r = await benchMbox({ targetBytes: 256 * 1024 * 1024 }); console.log(r.mbPerSec, r.peakRssMb);
 */
export async function benchMbox(options: BenchMboxOptions = {}): Promise<BenchMboxResult> {
  const targetBytes = options.targetBytes ?? 1024 * MB;
  const sources = await loadBenchMessages(options.sourceDir ?? DEFAULT_SOURCES);
  if (!sources.length) throw new Error(`no .eml or mbox files under ${options.sourceDir ?? DEFAULT_SOURCES}`);
  const dir = await mkdtemp(path.join(tmpdir(), 'tributary-bench-mbox-'));
  try {
    const file = path.join(dir, 'bench.mbox');
    const { bytes, written } = await writeBenchMbox(file, sources, targetBytes);
    const ctx = benchContext(file);
    let messages = 0;
    let errors = 0;
    let nextSample = 0.1;
    const rssSamplesMb = [rssMb()];
    let peakRssMb = rssSamplesMb[0]!;
    const started = performance.now();
    for await (const page of mboxConnector.read(ctx)) {
      messages += page.items?.length ?? 0;
      errors += page.errors?.length ?? 0;
      const rss = rssMb();
      peakRssMb = Math.max(peakRssMb, rss);
      if (messages >= nextSample * written) {
        rssSamplesMb.push(rss);
        while (messages >= nextSample * written) nextSample += 0.1;
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const round = (n: number): number => Math.round(n * 10) / 10;
    return {
      bytes,
      messages,
      written,
      sources: sources.length,
      errors,
      seconds: Math.round(seconds * 100) / 100,
      mbPerSec: round(bytes / MB / seconds),
      messagesPerSec: Math.round(messages / seconds),
      peakRssMb,
      rssSamplesMb,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
