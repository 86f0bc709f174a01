import { Worker } from 'node:worker_threads';
import { TributaryError } from '@tributary/sdk';
import { STABLE_CONFIG, gitFailure, spawnError } from './process.js';

/**
 * Why a worker thread: the engine commits a page synchronously (SQLite) on the thread that reads git's stdout, and a
 * pipe holds only 64 KB (~80 commits of `git log --numstat`), so git would stall during every commit. The worker
 * keeps draining the pipe into a bounded window while the main thread writes, so git and the engine run side by
 * side. Plain JS evaluated as a string so it runs the same from `dist/` and from TypeScript sources in tests.
 */
const WORKER_SOURCE = `(() => {
const { parentPort, workerData } = require('node:worker_threads');
const { spawn } = require('node:child_process');
const { cwd, args, input, separator, maxRecordChars, windowChars, batchChars, cut } = workerData;
let child;
try {
  child = spawn('git', args, { cwd, stdio: 'pipe', windowsHide: true });
} catch (err) {
  parentPort.postMessage({ type: 'error', code: err && err.code, message: String(err && err.message) });
  return;
}
let stderr = '';
let buf = '';
let dropping = false;
// cut: { markers, keep } — once every marker was seen in order, keep at most "keep" more characters of the record.
let stage = 0;
let searchFrom = 0;
let limit = maxRecordChars;
const append = (s) => {
  if (dropping) return;
  buf += s;
  while (cut && stage < cut.markers.length) {
    const m = cut.markers[stage];
    const at = buf.indexOf(m, searchFrom);
    if (at === -1) { searchFrom = Math.max(searchFrom, buf.length - m.length + 1); break; }
    stage++;
    searchFrom = at + m.length;
    if (stage === cut.markers.length) limit = Math.min(maxRecordChars, at + cut.keep);
  }
  if (buf.length > limit) { buf = buf.slice(0, limit); dropping = true; }
};
const endRecord = () => {
  push(buf);
  buf = '';
  dropping = false;
  stage = 0;
  searchFrom = 0;
  limit = maxRecordChars;
};
let batch = [];
let batchLen = 0;
let inFlight = 0;
const flush = () => {
  if (!batch.length) return;
  parentPort.postMessage({ type: 'records', records: batch, chars: batchLen });
  inFlight += batchLen;
  batch = [];
  batchLen = 0;
  if (inFlight > windowChars) child.stdout.pause();
};
const push = (rec) => {
  if (rec === '') return;
  batch.push(rec);
  batchLen += rec.length;
  if (batchLen >= batchChars) flush();
};
parentPort.on('message', (m) => {
  if (m.type === 'ack') {
    inFlight -= m.chars;
    if (inFlight <= windowChars / 2 && child.stdout.isPaused()) child.stdout.resume();
  } else if (m.type === 'stop') {
    child.kill();
    process.exit(0);
  }
});
child.stdout.setEncoding('utf8');
child.stderr.setEncoding('utf8');
child.stdin.on('error', () => undefined);
child.stdin.end(input);
child.stderr.on('data', (c) => { if (stderr.length < 8192) stderr += c; });
child.stdout.on('data', (chunk) => {
  let s = chunk;
  let idx;
  while ((idx = s.indexOf(separator)) !== -1) {
    append(s.slice(0, idx));
    endRecord();
    s = s.slice(idx + separator.length);
  }
  append(s);
});
child.on('error', (err) => parentPort.postMessage({ type: 'error', code: err && err.code, message: String(err && err.message) }));
child.on('close', (code) => {
  endRecord();
  flush();
  parentPort.postMessage({ type: 'end', code, stderr });
});
})();
`;

export interface ReadAheadOptions {
  signal?: AbortSignal;
  /** Written to git's stdin, then stdin is closed. */
  input?: string;
  maxRecordChars?: number;
  /** How much parsed-but-unconsumed output may wait in memory before git is paused (backpressure). */
  windowChars?: number;
  /**
   * Bounds the tail of each record: once `markers` were all seen in this order, at most `keep` characters from the
   * last marker's start are kept and the rest of the record is skipped in the worker (never sent to the consumer).
   */
  cut?: { markers: string[]; keep: number };
}

type WorkerMessage =
  | { type: 'records'; records: string[]; chars: number }
  | { type: 'error'; code?: string; message: string }
  | { type: 'end'; code: number | null; stderr: string };

/**
 * Streams git's stdout as records split at `separator`, read ahead by a worker thread up to `windowChars`
 * (default 4 MB) of output: git runs while the consumer works, and pauses when the consumer falls that far behind.
 * 4 MB is ~5,000 commits of `git log --numstat`, seconds of work for the engine: a larger window only adds memory.
 * Stopping early (break, return, abort) kills git.
 * @throws TributaryError `aborted`, `upstream_unavailable` (no git), `upstream_error` (git failed, with its stderr)
 */
export async function* readAheadGit(
  cwd: string,
  args: string[],
  separator: string,
  opts: ReadAheadOptions = {},
): AsyncGenerator<string> {
  const windowChars = opts.windowChars ?? 4_000_000;
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    // The worker only holds one record and one batch at a time (what it posted is the main thread's copy): a small
    // young generation keeps its isolate from growing the process by tens of MB of short-lived strings.
    resourceLimits: { maxYoungGenerationSizeMb: 4 },
    workerData: {
      cwd,
      args: [...STABLE_CONFIG, ...args],
      input: opts.input ?? '',
      separator,
      maxRecordChars: opts.maxRecordChars ?? 1_000_000,
      windowChars,
      batchChars: Math.max(1, Math.floor(windowChars / 16)),
      cut: opts.cut,
    },
  });
  const queue: WorkerMessage[] = [];
  let wake: (() => void) | undefined;
  const deliver = (m: WorkerMessage): void => {
    queue.push(m);
    wake?.();
  };
  worker.on('message', deliver);
  worker.on('error', (err) => deliver({ type: 'error', message: err.message }));
  const onAbort = (): void => wake?.();
  opts.signal?.addEventListener('abort', onAbort);
  try {
    for (;;) {
      if (opts.signal?.aborted) throw new TributaryError('aborted', 'The git read was aborted.');
      const m = queue.shift();
      if (!m) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        continue;
      }
      if (m.type === 'records') {
        for (const r of m.records) yield r;
        worker.postMessage({ type: 'ack', chars: m.chars });
      } else if (m.type === 'error') {
        throw spawnError(Object.assign(new Error(m.message), m.code ? { code: m.code } : {}), args);
      } else {
        if (m.code !== 0) throw gitFailure(args, m.stderr);
        return;
      }
    }
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    worker.postMessage({ type: 'stop' });
    // The worker kills git and exits; terminate() covers a worker stuck before reading the message.
    void worker.terminate();
  }
}
