import type { EngineEvent, RunRecord, SyncOptions, SyncProgress } from '@tributary/engine';
import { ERROR_CODES, TributaryError, type ErrorCode, type LogRecord, type RateLimitSpec } from '@tributary/sdk';

/**
 * The messages between the coordinating thread and a sync thread. Everything crosses by structured clone: no
 * functions, no class instances (errors travel as {@link WireError}).
 */

/** What a sync thread needs to open its own runtime: the same data dir, environment and connector modules. */
export interface ThreadInit {
  dataDir: string;
  env: Record<string, string | undefined>;
  connectorModules: string[];
}

/** A thread's start data: {@link ThreadInit} and its abort flag (the id of the run to stop, shared memory). */
export interface ThreadData extends ThreadInit {
  abortFlag: SharedArrayBuffer;
}

/** The cloneable part of {@link SyncOptions} (the signal and progress callback stay on the coordinating side). */
export type WireSyncOptions = Pick<SyncOptions, 'mode' | 'backfillDays' | 'trigger' | 'hints' | 'waitForLease'>;

export interface WireError {
  code: ErrorCode;
  message: string;
  retryable: boolean;
  retryAfterMs?: number;
  issues?: TributaryError['issues'];
  details?: Record<string, unknown>;
}

export type ToThread =
  | { type: 'sync'; id: number; sourceId: string; options: WireSyncOptions }
  | { type: 'abort'; id: number; reason: WireError }
  | { type: 'limit_result'; requestId: number; waitedMs?: number; error?: WireError };

export type FromThread =
  | { type: 'ready' }
  | { type: 'init_failed'; error: WireError }
  | { type: 'progress'; id: number; progress: SyncProgress }
  | { type: 'event'; event: EngineEvent }
  | { type: 'log'; record: LogRecord }
  | { type: 'done'; id: number; run: RunRecord }
  | { type: 'failed'; id: number; error: WireError }
  | { type: 'limit_acquire'; requestId: number; account: string; spec: RateLimitSpec; cost: number }
  | { type: 'limit_cancel'; requestId: number }
  | { type: 'limit_pause'; account: string; spec: RateLimitSpec; ms: number };

export function toWireSyncOptions(options: SyncOptions): WireSyncOptions {
  const out: WireSyncOptions = {};
  if (options.mode !== undefined) out.mode = options.mode;
  if (options.backfillDays !== undefined) out.backfillDays = options.backfillDays;
  if (options.trigger !== undefined) out.trigger = options.trigger;
  if (options.hints !== undefined) out.hints = options.hints;
  if (options.waitForLease !== undefined) out.waitForLease = options.waitForLease;
  return out;
}

/** A TributaryError as data (its code, message and retry semantics survive; the stack and cause stay behind). */
export function toWireError(err: TributaryError): WireError {
  return {
    code: err.code,
    message: err.message,
    retryable: err.retryable,
    ...(err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : {}),
    ...(err.issues ? { issues: err.issues } : {}),
    ...(err.details ? { details: cloneable(err.details) } : {}),
  };
}

export function fromWireError(wire: WireError): TributaryError {
  const code: ErrorCode = wire.code in ERROR_CODES ? wire.code : 'internal';
  return new TributaryError(code, wire.message, {
    retryable: wire.retryable,
    ...(wire.retryAfterMs !== undefined ? { retryAfterMs: wire.retryAfterMs } : {}),
    ...(wire.issues ? { issues: wire.issues } : {}),
    ...(wire.details ? { details: wire.details } : {}),
  });
}

/** A plain-data copy (drops what structured clone refuses, e.g. functions in log fields). */
export function cloneable<T>(value: T): T {
  try {
    return structuredClone(value);
  } catch {
    return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))) as T;
  }
}
