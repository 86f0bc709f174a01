import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Readable } from 'node:stream';
import { TributaryError } from '@tributary/sdk';

/** Options that make git's output stable whatever the user's git config says. */
export const STABLE_CONFIG = [
  '-c',
  'core.quotePath=false',
  '-c',
  'log.showSignature=false',
  '-c',
  'i18n.logOutputEncoding=UTF-8',
  '-c',
  'color.ui=false',
  '-c',
  'diff.renames=false',
  '-c',
  'core.pager=cat',
];

export interface GitRunOptions {
  signal?: AbortSignal;
  /** Written to git's stdin, then stdin is closed. */
  input?: string;
  /** Stop reading (and kill git) once this many characters were collected; `truncated` tells. */
  maxChars?: number;
}

export interface GitResult {
  code: number | null;
  stdout: string;
  stderr: string;
  truncated: boolean;
}

function startGit(cwd: string, args: string[], opts: GitRunOptions): ChildProcessWithoutNullStreams {
  const child = spawn('git', [...STABLE_CONFIG, ...args], {
    cwd,
    stdio: 'pipe',
    signal: opts.signal,
    windowsHide: true,
  });
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  // git exits early (e.g. rev-parse --verify) without reading stdin: ignore the broken pipe.
  child.stdin.on('error', () => undefined);
  child.stdin.end(opts.input ?? '');
  return child;
}

export function spawnError(err: unknown, args: string[]): TributaryError {
  const e = err as NodeJS.ErrnoException;
  if (e?.name === 'AbortError') return new TributaryError('aborted', 'The git read was aborted.', { cause: err });
  if (e?.code === 'ENOENT') {
    return new TributaryError(
      'upstream_unavailable',
      'The `git` program was not found on PATH: install git (2.31 or newer).',
      { cause: err, retryable: false },
    );
  }
  return new TributaryError('internal', `git ${args[0] ?? ''} failed to start: ${e?.message ?? String(err)}`, {
    cause: err,
  });
}

/** Turns a failed git call into a TributaryError whose message says what to fix. */
export function gitFailure(args: string[], stderr: string): TributaryError {
  const text = stderr.trim().split('\n').slice(-3).join(' ').slice(0, 500);
  if (/dubious ownership/i.test(stderr)) {
    return new TributaryError(
      'permission_denied',
      `git refuses the repository because another user owns it; run \`git config --global --add safe.directory <rootDir>\` for the user running Tributary (${text})`,
    );
  }
  return new TributaryError('upstream_error', `git ${args[0] ?? ''} failed: ${text || 'no message'}`);
}

/**
 * Runs git to completion and collects its (small) output. Never throws for a non-zero exit: callers decide.
 * @throws TributaryError `aborted` when the signal fires, `upstream_unavailable` when git is missing
 */
export function runGit(cwd: string, args: string[], opts: GitRunOptions = {}): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    let child: ChildProcessWithoutNullStreams;
    try {
      child = startGit(cwd, args, opts);
    } catch (err) {
      reject(spawnError(err, args));
      return;
    }
    let stdout = '';
    let stderr = '';
    let truncated = false;
    child.stdout.on('data', (chunk: string) => {
      if (truncated) return;
      stdout += chunk;
      if (opts.maxChars !== undefined && stdout.length > opts.maxChars) {
        stdout = stdout.slice(0, opts.maxChars);
        truncated = true;
        child.kill();
      }
    });
    child.stderr.on('data', (chunk: string) => {
      if (stderr.length < 8192) stderr += chunk;
    });
    child.on('error', (err) => reject(spawnError(err, args)));
    child.on('close', (code) => resolve({ code: truncated ? 0 : code, stdout, stderr, truncated }));
  });
}

/** Runs git and returns stdout, or throws its stderr as an `upstream_error`. */
export async function gitOk(cwd: string, args: string[], opts: GitRunOptions = {}): Promise<string> {
  const r = await runGit(cwd, args, opts);
  if (r.code !== 0) throw gitFailure(args, r.stderr);
  return r.stdout;
}

/**
 * Splits a text stream into records at `separator`, reading chunk by chunk (backpressure: git pauses while the
 * consumer works). A record longer than `maxChars` is cut there; the rest of it is skipped, not buffered.
 */
export async function* splitRecords(stream: Readable, separator: string, maxChars: number): AsyncGenerator<string> {
  let buf = '';
  let dropping = false;
  for await (const chunk of stream) {
    let s = chunk as string;
    let idx: number;
    while ((idx = s.indexOf(separator)) !== -1) {
      if (!dropping) buf += s.slice(0, idx);
      if (buf !== '') yield buf;
      buf = '';
      dropping = false;
      s = s.slice(idx + separator.length);
    }
    if (!dropping) {
      buf += s;
      if (buf.length > maxChars) {
        buf = buf.slice(0, maxChars);
        dropping = true;
      }
    }
  }
  if (buf !== '') yield buf;
}

/**
 * Streams git's stdout as records. git is killed when the consumer stops early; a non-zero exit throws after the
 * last record (with git's stderr in the message).
 */
export async function* streamGit(
  cwd: string,
  args: string[],
  separator: string,
  opts: GitRunOptions & { maxRecordChars?: number } = {},
): AsyncGenerator<string> {
  let child: ChildProcessWithoutNullStreams;
  try {
    child = startGit(cwd, args, opts);
  } catch (err) {
    throw spawnError(err, args);
  }
  let stderr = '';
  child.stderr.on('data', (chunk: string) => {
    if (stderr.length < 8192) stderr += chunk;
  });
  let spawnErr: unknown;
  const closed = new Promise<number | null>((resolve) => {
    child.on('error', (err) => {
      spawnErr = err;
      resolve(null);
    });
    child.on('close', (code) => resolve(code));
  });
  let finished = false;
  try {
    yield* splitRecords(child.stdout, separator, opts.maxRecordChars ?? 1_000_000);
    const code = await closed;
    finished = true;
    if (spawnErr !== undefined) throw spawnError(spawnErr, args);
    if (code !== 0) throw gitFailure(args, stderr);
  } finally {
    if (!finished && child.exitCode === null) child.kill();
  }
}
