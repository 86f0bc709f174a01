import { fork, type ChildProcess, type ForkOptions } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TributaryError } from '@tributary/sdk';
import { fromWireError, toWireError } from '../../runtime/sync-threads/protocol.js';
import type { FromSandbox, SandboxOp, SandboxRequest, ToSandbox } from './protocol.js';

/** Limits of a plugin's sandbox process. */
export interface SandboxLimits {
  /** V8 heap limit of the sandbox (`--max-old-space-size`). @default TRIBUTARY_PLUGIN_MEMORY_MB, else 512 */
  memoryMb: number;
  /** A sandbox whose event loop sends no pulse for this long is killed. @default TRIBUTARY_PLUGIN_WATCHDOG_MS, else 30000 */
  watchdogMs: number;
}

/** Sandbox limits from the environment (documented in docs/plugins.md). @throws TributaryError `invalid_config` */
export function sandboxLimitsFromEnv(env: Record<string, string | undefined>): SandboxLimits {
  const num = (name: string, fallback: number, min: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min)
      throw new TributaryError('invalid_config', `${name}="${raw}": use a whole number, at least ${min}.`, {
        issues: [{ path: name, message: 'invalid number' }],
      });
    return n;
  };
  return {
    memoryMb: num('TRIBUTARY_PLUGIN_MEMORY_MB', 512, 32),
    watchdogMs: num('TRIBUTARY_PLUGIN_WATCHDOG_MS', 30_000, 500),
  };
}

/** The outcome events of a sandbox; everything else (logs, requests, pulses) goes to the handlers. */
export type SandboxEvent = Extract<FromSandbox, { type: 'page' | 'done' | 'described' | 'checked' | 'discovered' }>;

export interface SandboxHandlers {
  request(req: SandboxRequest): Promise<unknown>;
  other?(message: Exclude<FromSandbox, SandboxEvent | { type: 'request' | 'alive' | 'failed' }>): void;
}

export interface SandboxSession {
  /** The sandbox process's id (for diagnostics). */
  readonly pid: number | undefined;
  /** Outcome events in order; a failure of the plugin or of its process is thrown from here as a TributaryError. */
  next(): Promise<SandboxEvent>;
  ack(): void;
  /**
   * Asks the plugin to stop (its `ctx.signal` aborts); one that has not ended `graceMs` later is killed (a plugin
   * that ignores its signal, or hangs, must not outlive a pause or a shutdown).
   */
  abort(reason: TributaryError, graceMs?: number): void;
  /** Ends the process (if still running). Idempotent. */
  close(): void;
}

export interface OpenSandboxOptions {
  /** Who the plugin is, for messages: `tributary-connector-x@1.2.0 (connector "x")`. */
  label: string;
  entry: string;
  connector: string;
  cwd: string;
  limits: SandboxLimits;
  op: SandboxOp;
  handlers: SandboxHandlers;
}

/** What a plugin process inherits of the environment: nothing secret (the vault key, database URLs stay here). */
const PASSED_ENV = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'LC_ALL', 'TZ', 'SYSTEMROOT'];

/**
 * Starts a plugin's sandbox process for one operation. The process gets a heap limit, a minimal environment and
 * a watchdog: no pulse for `watchdogMs` (a stuck event loop) or a resident size over twice its heap limit (memory
 * outside the heap, e.g. Buffers) ends it, and the operation fails with a message that says which limit.
 */
export function openSandbox(options: OpenSandboxOptions): SandboxSession {
  const { limits, label } = options;
  const child = startChild(options.cwd, limits.memoryMb);
  const queue: SandboxEvent[] = [];
  let failure: TributaryError | null = null;
  let waiter: { resolve: (e: SandboxEvent) => void; reject: (e: TributaryError) => void } | null = null;
  let finished = false;
  let killedFor: string | null = null;
  let stderrTail = '';
  let lastPulse = Date.now();
  // Until its first pulse the process is still starting (loading Node, the SDK): a longer grace than the watchdog's.
  let pulsed = false;
  const startGraceMs = Math.max(limits.watchdogMs, 30_000);

  const fail = (err: TributaryError): void => {
    if (failure || finished) return;
    failure = err;
    waiter?.reject(err);
    waiter = null;
  };
  const push = (event: SandboxEvent): void => {
    if (event.type !== 'page') finished = true;
    if (waiter) {
      waiter.resolve(event);
      waiter = null;
    } else queue.push(event);
  };
  const post = (message: ToSandbox): void => {
    if (child.connected) child.send(message, (err) => void err);
  };
  const kill = (why: string): void => {
    killedFor ??= why;
    child.kill('SIGKILL');
  };

  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => (stderrTail = (stderrTail + chunk).slice(-4096)));
  const rssLimit = (limits.memoryMb * 2 + 128) * 1024 * 1024;
  child.on('message', (message: FromSandbox) => {
    lastPulse = Date.now();
    pulsed = true;
    switch (message.type) {
      case 'alive':
        if (message.rssBytes > rssLimit)
          kill(
            `used ${Math.round(message.rssBytes / 1048576)} MB of memory, over its limit of ${Math.round(rssLimit / 1048576)} MB (TRIBUTARY_PLUGIN_MEMORY_MB=${limits.memoryMb})`,
          );
        break;
      case 'failed': {
        // The plugin's own error (code and retry semantics kept), said to come from the plugin.
        const err = fromWireError(message.error);
        fail(
          new TributaryError(err.code, `Plugin ${label}: ${err.message}`, {
            retryable: err.retryable,
            ...(err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : {}),
            ...(err.issues ? { issues: err.issues } : {}),
          }),
        );
        break;
      }
      case 'request':
        options.handlers.request(message).then(
          (value) => post({ type: 'reply', id: message.id, value }),
          (err: unknown) =>
            post({
              type: 'reply',
              id: message.id,
              error: toWireError(err instanceof TributaryError ? err : new TributaryError('internal', String(err))),
            }),
        );
        break;
      case 'page':
      case 'done':
      case 'described':
      case 'checked':
      case 'discovered':
        push(message);
        break;
      default:
        options.handlers.other?.(message);
    }
  });
  const watchdog = setInterval(
    () => {
      const quiet = Date.now() - lastPulse;
      if (!pulsed && quiet > startGraceMs) kill(`did not start within ${Math.round(quiet / 1000)} s`);
      else if (pulsed && quiet > limits.watchdogMs)
        kill(
          `stopped responding: its event loop was blocked for ${Math.round(quiet / 1000)} s (watchdog: TRIBUTARY_PLUGIN_WATCHDOG_MS=${limits.watchdogMs})`,
        );
    },
    Math.min(1000, Math.max(100, limits.watchdogMs / 4)),
  );
  watchdog.unref();
  child.on('error', (err) => fail(new TributaryError('internal', `Plugin ${label} could not start: ${err.message}`)));
  child.on('exit', (code, signal) => {
    clearInterval(watchdog);
    if (finished) return;
    fail(new TributaryError('internal', `Plugin ${label} ${exitReason(killedFor, code, signal, stderrTail, limits)}`));
  });
  post({ type: 'start', entry: options.entry, connector: options.connector, ...options.op });

  return {
    pid: child.pid,
    next() {
      const event = queue.shift();
      if (event) return Promise.resolve(event);
      if (failure) return Promise.reject(failure);
      return new Promise((resolve, reject) => (waiter = { resolve, reject }));
    },
    ack: () => post({ type: 'ack' }),
    abort(reason, graceMs = 2000) {
      post({ type: 'abort', reason: toWireError(reason) });
      setTimeout(() => {
        if (!finished) kill(`did not stop within ${graceMs / 1000} s of being cancelled`);
      }, graceMs).unref();
    },
    close() {
      clearInterval(watchdog);
      finished = true;
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** A readable reason for a sandbox that ended before its operation did. */
function exitReason(
  killedFor: string | null,
  code: number | null,
  signal: NodeJS.Signals | null,
  stderr: string,
  limits: SandboxLimits,
): string {
  if (killedFor) return `was stopped: it ${killedFor}.`;
  if (/heap out of memory|Reached heap limit|Allocation failed/i.test(stderr))
    return `ran out of memory: its heap limit is ${limits.memoryMb} MB (TRIBUTARY_PLUGIN_MEMORY_MB).`;
  return signal ? `was ended by ${signal} before it finished.` : `exited with code ${code} before it finished.`;
}

/**
 * Forks the sandbox's entry. Built code runs `child-main.js`; a source run (vitest, `node --import tsx`) runs
 * `child-main.ts` through tsx with the `source` export condition, as the sync threads do (runtime/sync-threads/spawn.ts).
 */
function startChild(cwd: string, memoryMb: number): ChildProcess {
  const here = import.meta.url;
  const limitArgs = [`--max-old-space-size=${memoryMb}`];
  const env: Record<string, string> = {};
  for (const key of PASSED_ENV) if (process.env[key] !== undefined) env[key] = process.env[key];
  const common: ForkOptions = { cwd, env, serialization: 'advanced', stdio: ['ignore', 'ignore', 'pipe', 'ipc'] };
  // The host's pid as the child's argument: the child's guard compares its parent with it, which holds even when the
  // host dies while the child is still starting (its parent is then already someone else when it first looks).
  const args = [String(process.pid)];
  if (!here.endsWith('.ts'))
    return fork(fileURLToPath(new URL('./child-main.js', here)), args, { ...common, execArgv: limitArgs });
  const tsx = pathToFileURL(createRequire(here).resolve('tsx')).href;
  const entry = path.join(path.dirname(fileURLToPath(here)), 'child-main.ts');
  return fork(entry, args, { ...common, execArgv: ['--import', tsx, '--conditions=source', ...limitArgs] });
}
