import type { Clock } from './clock.js';
import type { FeatureSetting } from './features.js';
import type { HttpClient } from './http.js';
import type { Checkpoint } from './item.js';
import type { Logger } from './logger.js';
import type { PathGuard } from './path-guard.js';
import type { RateLimiter } from './rate-limiter.js';

/** A credential set from the vault. Connectors read what their manifest's `auth.type` asked for. */
export type Credential =
  | {
      kind: 'oauth2';
      accessToken: string;
      tokenType?: string;
      expiresAt?: string;
      scope?: string;
      extra?: Record<string, string>;
    }
  | { kind: 'token'; token: string; extra?: Record<string, string> }
  | { kind: 'password'; username?: string; password: string; extra?: Record<string, string> };

export interface CredentialAccess {
  /** The current credential (OAuth tokens are refreshed before expiry), or undefined when none is stored. */
  get(): Promise<Credential | undefined>;
  /** After a 401: refresh once (single-flight across callers) and return the new credential. */
  refresh(): Promise<Credential | undefined>;
}

export interface Progress {
  phase?: string;
  /** Items seen so far in this run (the runner counts too; connectors may report upstream totals). */
  done?: number;
  total?: number;
  message?: string;
}

/** What every connector call gets. */
export interface ConnectorContext<C = unknown> {
  sourceId: string;
  /** The validated config (defaults applied). */
  config: C;
  /** Feature flags: manifest defaults overridden by the connector-wide and the source's settings. */
  features: Record<string, boolean>;
  /**
   * Each feature's state and validated config (same layers as `features`). Set by the engine; a host built for an
   * older SDK may leave it out, so read it through {@link featureOf}.
   */
  featureSettings?: Record<string, FeatureSetting>;
  /** Updates the metrics the manifest declares in `monitoring.metrics` (absent in hosts without metrics). */
  metrics?: ConnectorMetrics;
  credentials: CredentialAccess;
  http: HttpClient;
  /** The source's rate limiter (shared across workers in distributed mode), for SDKs that do their own HTTP. */
  rateLimiter: RateLimiter;
  logger: Logger;
  signal: AbortSignal;
  clock: Clock;
  /** Counts an API call made outside `http` (e.g. through a provider SDK), for run statistics. */
  countApiCall(n?: number): void;
  /** Counts time spent waiting on a rate limit outside `http`. */
  countRateLimitWait(ms: number): void;
  /**
   * What this source may read on the server's disk (set by the engine; absent = no restriction). Local connectors
   * check the paths they open and skip the entries a tree walk meets that it denies; use {@link guardOf}.
   */
  paths?: PathGuard;
}

/**
 * The connector's own metrics (declared in `manifest.monitoring.metrics`), exported on /metrics as
 * `tributary_connector_<name>{connector, source}`. An undeclared name, a `set` on a counter or a negative
 * `inc` of a counter is logged once and ignored: metrics never fail a sync.
 */
export interface ConnectorMetrics {
  /** Adds to a counter (or a gauge). @default by 1 */
  inc(name: string, by?: number): void;
  /** Sets a gauge. */
  set(name: string, value: number): void;
}

export type SyncMode = 'backfill' | 'incremental' | 'full_refresh';

/**
 * Read access to the source's connector state as of the last committed page (pages write it via `page.state`).
 *
 * State and checkpoint are one unit: a run that starts without a checkpoint (first sync, full refresh, or a
 * clean re-sync after a checkpoint that failed its schema) sees an EMPTY state, and the engine clears the old
 * records in the same transaction as the run's first committed page. A run resumed from a committed checkpoint
 * sees exactly the state committed with it. Within a run, reads see the pages committed so far.
 */
export interface ConnectorState {
  /** The value stored under `key`, or undefined. */
  get(key: string): Promise<unknown>;
  /** The values of those keys that exist (absent keys are absent from the map). */
  getMany(keys: string[]): Promise<Map<string, unknown>>;
  /** All records whose key starts with `prefix` (all when omitted), in key order, fetched page by page. */
  list(prefix?: string): AsyncIterable<[key: string, value: unknown]>;
}

export interface ReadContext<C = unknown, K extends Checkpoint = Checkpoint> extends ConnectorContext<C> {
  /**
   * The last committed checkpoint, validated by the manifest's schema; undefined on a first sync and when a full
   * refresh starts. A retried attempt of a full refresh gets the checkpoint that run committed: resume from it
   * (whatever the mode), the engine still tombstones what the whole run did not see.
   */
  checkpoint: K | undefined;
  /** Connector state committed with that checkpoint (empty when `checkpoint` is undefined). */
  state: ConnectorState;
  mode: SyncMode;
  /** On a first sync bounded by `backfillDays`: do not read anything older than this. */
  since: Date | undefined;
  /** Run options a trigger may pass (e.g. a webhook's `{ channel }`): connectors may narrow the read. */
  hints: Record<string, unknown>;
  progress(p: Progress): void;
}

export interface WebhookRequest {
  method: string;
  headers: Record<string, string>;
  /** The exact bytes received: signatures are computed over these. */
  rawBody: string;
  query: Record<string, string>;
}

export interface WebhookOutcome {
  /** What to answer the provider (e.g. Slack's url_verification challenge). */
  response: { status: number; body?: unknown; headers?: Record<string, string> };
  /** Whether this source is the one addressed (signature verified for it). */
  matched: boolean;
  /** Ask for an incremental sync now, with hints (e.g. `{ channel: 'C1' }`). */
  sync?: { hints?: Record<string, unknown> };
}

export type WebhookContext<C = unknown> = ConnectorContext<C>;

export type { Checkpoint };
