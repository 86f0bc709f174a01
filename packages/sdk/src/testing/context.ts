import { systemClock, type Clock } from '../clock.js';
import { parseCheckpoint, parseConfig, type AnyConnector } from '../connector.js';
import { resolveFeatureSettings, toFeatureOverride, type FeatureOverride } from '../features.js';
import type { Credential, CredentialAccess, Progress, SyncMode } from '../context.js';
import { TributaryError } from '../errors.js';
import { createHttpClient, type HttpOptions } from '../http.js';
import type { Checkpoint } from '../item.js';
import { createLogger, type LogLevel, type LogRecord } from '../logger.js';
import { unlimited, type RateLimiter } from '../rate-limiter.js';
import { createMemoryState, type MemoryConnectorState } from '../state.js';

/** Options of {@link createConnectorContext}: what a source would hold, plus test plumbing. */
export interface TestContextOptions {
  /** Raw config (defaults applied by the manifest's schema). */
  config?: unknown;
  credentials?: Credential;
  /** Feature overrides (`true`/`false`, or `{ enabled, config }`); unknown names and bad configs are refused as by the engine. */
  features?: Record<string, boolean | FeatureOverride>;
  signal?: AbortSignal;
  /**
   * Drives `ctx.clock` and the HTTP client's backoff and `Retry-After` waits. With a manual clock, advance it while
   * a request is retried, or the read waits forever. @default systemClock
   */
  clock?: Clock;
  /** The fetch behind `ctx.http` (a twin on loopback usually needs none: the global fetch). */
  fetch?: typeof globalThis.fetch;
  /** @default `test-<connector name>` */
  sourceId?: string;
  /** @default unlimited */
  rateLimiter?: RateLimiter;
  /** Overrides for the HTTP client. @default { retries: 2, baseDelayMs: 5, maxDelayMs: 50 } */
  http?: Omit<HttpOptions, 'fetch' | 'clock' | 'logger' | 'signal' | 'rateLimiter'>;
  /** Lowest level collected in `logs`. @default 'debug' */
  logLevel?: LogLevel;
}

/** Options of {@link createTestContext}. */
export interface TestReadContextOptions extends TestContextOptions {
  /** A stored checkpoint (validated with the manifest's schema). */
  checkpoint?: unknown;
  /**
   * The connector state committed with `checkpoint` (pages' `state` applied in order). Ignored, like the engine
   * ignores stored state, when the run starts without a valid checkpoint: `ctx.state` is then empty.
   */
  state?: MemoryConnectorState;
  /** @default 'incremental' when a checkpoint is given, else 'backfill' */
  mode?: SyncMode;
  since?: Date;
  hints?: Record<string, unknown>;
  /**
   * What to do with a checkpoint that does not parse: `throw` a `cursor_invalid` error (a test bug, usually), or
   * `reset` to a first sync like the engine does (checkpoint undefined, mode backfill). @default 'throw'
   */
  onInvalidCheckpoint?: 'throw' | 'reset';
}

/** What the test context recorded; the same arrays the context writes to, so inspect them after a call. */
export interface TestContextRecords {
  /** Every log record (already redacted, as a sink would receive it). */
  logs: LogRecord[];
  /** API calls: requests sent by `http` plus `countApiCall`. */
  stats: { apiCalls: number; rateLimitWaitMs: number };
  /** Every `ctx.metrics` update, in order (names are not checked against the manifest here; the engine does). */
  metricUpdates: Array<{ name: string; op: 'inc' | 'set'; value: number }>;
}

/** A connector context as the connector's `check()` expects it (its config type), plus what the test recorded. */
export type TestConnectorContext<C extends AnyConnector = AnyConnector> = Parameters<C['check']>[0] &
  TestContextRecords;

/** A read context as the connector's `read()` expects it (config and checkpoint types), plus what was recorded. */
export type TestReadContext<C extends AnyConnector = AnyConnector> = Parameters<C['read']>[0] &
  TestContextRecords & {
    /** Every `progress()` report, in order. */
    progressReports: Progress[];
    /** The state this read sees; pass it to the next read's `state` to resume as the engine would. */
    state: MemoryConnectorState;
  };

/** Secret strings of a credential, so the collected logs are redacted like the engine's. */
function credentialSecrets(credential: Credential | undefined): string[] {
  if (!credential) return [];
  const values: string[] = [];
  if (credential.kind === 'oauth2') values.push(credential.accessToken);
  if (credential.kind === 'token') values.push(credential.token);
  if (credential.kind === 'password') values.push(credential.password);
  values.push(...Object.values(credential.extra ?? {}));
  return values;
}

/** A credential store that always answers the given credential (refresh included). */
export function staticCredentials(credential: Credential | undefined): CredentialAccess {
  return { get: async () => credential, refresh: async () => credential };
}

/**
 * A {@link ConnectorContext} for `check`, `discover` and `webhook`, built the way the engine builds one.
 * @throws TributaryError `invalid_config` when the config or a feature name is invalid
 * @example const ctx = createConnectorContext(myConnector, { config: { rootDir } }); await myConnector.check(ctx);
 */
export function createConnectorContext<C extends AnyConnector>(
  connector: C,
  opts: TestContextOptions = {},
): TestConnectorContext<C> {
  const config = parseConfig(connector, opts.config);
  // As the engine resolves them: manifest defaults, then these overrides (`true`, or `{ enabled, config }`).
  const featureSettings = resolveFeatureSettings(connector.manifest, [
    Object.fromEntries(Object.entries(opts.features ?? {}).map(([k, v]) => [k, toFeatureOverride(v)])),
  ]);
  const features = Object.fromEntries(Object.entries(featureSettings).map(([k, f]) => [k, f.enabled]));
  const metricUpdates: TestContextRecords['metricUpdates'] = [];
  const logs: LogRecord[] = [];
  const stats = { apiCalls: 0, rateLimitWaitMs: 0 };
  const clock = opts.clock ?? systemClock;
  const signal = opts.signal ?? new AbortController().signal;
  const rateLimiter = opts.rateLimiter ?? unlimited;
  const logger = createLogger((r) => logs.push(r), {
    secrets: credentialSecrets(opts.credentials),
    level: opts.logLevel ?? 'debug',
    bindings: { connector: connector.manifest.name },
  });
  const http = createHttpClient({
    retries: 2,
    baseDelayMs: 5,
    maxDelayMs: 50,
    ...opts.http,
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
    clock,
    logger,
    signal,
    rateLimiter,
    onRequest: () => {
      stats.apiCalls++;
    },
    onRateLimitWait: (ms) => {
      stats.rateLimitWaitMs += ms;
    },
  });
  return {
    sourceId: opts.sourceId ?? `test-${connector.manifest.name}`,
    config,
    features,
    featureSettings,
    metrics: {
      inc: (name, by = 1) => void metricUpdates.push({ name, op: 'inc', value: by }),
      set: (name, value) => void metricUpdates.push({ name, op: 'set', value }),
    },
    credentials: staticCredentials(opts.credentials),
    http,
    rateLimiter,
    logger,
    signal,
    clock,
    countApiCall: (n = 1) => {
      stats.apiCalls += n;
    },
    countRateLimitWait: (ms) => {
      stats.rateLimitWaitMs += ms;
    },
    logs,
    stats,
    metricUpdates,
  };
}

/**
 * A full {@link ReadContext} for `read()`: config, features and checkpoint validated as the engine does.
 * @throws TributaryError `invalid_config` for a bad config or feature; `cursor_invalid` for a checkpoint that does
 *   not parse (unless `onInvalidCheckpoint: 'reset'`)
 * @example
 * const ctx = createTestContext(myConnector, { config: { rootDir } });
 * const pages = await collectPages(myConnector, ctx);
 */
export function createTestContext<C extends AnyConnector>(
  connector: C,
  opts: TestReadContextOptions = {},
): TestReadContext<C> {
  const base = createConnectorContext(connector, opts);
  const parsed = parseCheckpoint(connector, opts.checkpoint);
  if (parsed.invalid && opts.onInvalidCheckpoint !== 'reset') {
    throw new TributaryError(
      'cursor_invalid',
      `Checkpoint does not parse with ${connector.manifest.name}'s checkpoint schema: ${parsed.reason}`,
    );
  }
  const checkpoint = parsed.checkpoint as Checkpoint | undefined;
  const progressReports: Progress[] = [];
  return {
    ...base,
    checkpoint,
    state: checkpoint !== undefined && opts.state ? opts.state : createMemoryState(),
    mode: opts.mode ?? (checkpoint === undefined ? 'backfill' : 'incremental'),
    since: opts.since,
    hints: opts.hints ?? {},
    progress: (p) => {
      progressReports.push({ ...p });
    },
    progressReports,
  };
}
