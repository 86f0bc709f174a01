import type {
  AnyConnector,
  CheckResult,
  Clock,
  CredentialAccess,
  DiscoveredResource,
  Item,
  RateLimiter,
} from '@tributary/sdk';
import type {
  MemoryStore,
  MemoryWithVersions,
  RunRecord,
  RunTrigger,
  Schedule,
  SourceRecord,
  SourceStats,
  StoredCheckpoint,
  TimelineEntry,
  TimelineQuery,
} from '../store/types.js';
import type { RedactionPattern } from '@tributary/sdk';
import type { AuthStore, KvStore, StoreLifecycle } from '../store/types.js';
import type { VaultStore } from '../vault/types.js';

/** The single-user owner id of the embedded mode (created by the store's migrations). */
export const LOCAL_USER_ID = 'local';

export interface SyncOptions {
  /** `full_refresh` re-reads everything and tombstones what was not seen. @default incremental (backfill on first sync) */
  mode?: 'incremental' | 'full_refresh';
  /** Bounds a first sync (or a full refresh) to the last N days; overrides the source's `backfillDays`. */
  backfillDays?: number;
  trigger?: RunTrigger;
  hints?: Record<string, unknown>;
  /** Pause/cancel: the run stops at the next item, committing what is done. */
  signal?: AbortSignal;
  onProgress?: (event: SyncProgress) => void;
  /** Wait for the lease instead of failing with `already_running`. @default false */
  waitForLease?: boolean;
}

export interface SyncProgress {
  runId: string;
  sourceId: string;
  phase: 'starting' | 'reading' | 'committing' | 'finishing' | string;
  itemsSeen: number;
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
  failed: number;
  pages: number;
  elapsedMs: number;
  message?: string;
  total?: number;
}

/** The seed's push ingestion request (`POST /sources/{id}/ingest`), camel-cased at this boundary. */
export interface IngestInput {
  items: Item[];
  deletes?: string[];
  /** The exporter's cursor: any JSON value (the seed's is a string), stored and returned as given. */
  checkpoint?: StoredCheckpoint | null;
}

export interface IngestResult {
  processed: number;
  created: number;
  updated: number;
  unchanged: number;
  deleted: number;
  checkpoint: StoredCheckpoint | null;
}

export interface NewSourceInput {
  /** A stable id (declarative config); a random UUID when absent. */
  id?: string;
  ownerId?: string;
  connector: string;
  name: string;
  config?: Record<string, unknown>;
  features?: Record<string, boolean>;
  schedule?: Schedule | null;
  /** Credential to store in the vault (requires a vault). */
  credential?: import('@tributary/sdk').Credential;
}

export interface SourcePatchInput {
  name?: string;
  config?: Record<string, unknown>;
  features?: Record<string, boolean>;
  schedule?: Schedule | null;
}

export interface EngineOptions {
  store: MemoryStore;
  connectors: AnyConnector[];
  clock?: Clock;
  /** Whether a connector is built in or an installed plugin (recorded in the registry). @default builtin */
  connectorOrigin?: (connector: AnyConnector) => import('../store/registry.js').ConnectorOrigin;
  /**
   * The host environment, for the manifests' `envVars`: a source whose connector misses a required one does not
   * run. Absent: not checked.
   */
  env?: Record<string, string | undefined>;
  /** Where credentials come from (the vault). Without it, connectors get no credentials. */
  credentials?: (source: SourceRecord, connector: AnyConnector) => CredentialAccess;
  /** Stores a credential for a source (the vault); used by `sources.add` with `credential`. */
  storeCredential?: (sourceId: string, credential: import('@tributary/sdk').Credential) => Promise<void>;
  /**
   * Encrypts secret config fields at rest (the vault's `configSecrets`): sources are stored with those fields
   * sealed and opened before a connector sees its config. Without it, configs are stored as given.
   */
  configSecrets?: import('../vault/vault.js').ConfigSecrets;
  /** A rate limiter per source/provider account (Redis-backed in distributed mode). */
  rateLimiterFor?: (source: SourceRecord, connector: AnyConnector) => RateLimiter;
  /** Extra redaction patterns applied before anything is stored (on top of the defaults). */
  redactionPatterns?: RedactionPattern[];
  /** Importance and domain stages: the user's identities and the domain taxonomy (pipeline/enrich). */
  enrichment?: import('../pipeline/enrich/index.js').EnrichmentOptions;
  /** Items per store transaction when a connector yields big pages. @default 1000 */
  commitBatchSize?: number;
  fetch?: typeof globalThis.fetch;
  /**
   * Never readable by any source, whatever the owner's roots: the data dir (keyring, database and its -wal/-shm).
   * Sources of non-admin users read only inside the allowed roots an admin granted them (see local-access.ts).
   */
  protectedPaths?: string[];
  /** Limits per run, source and user (defaults in budget.ts, documented in docs/configuration.md). */
  budgets?: Partial<import('./budget.js').Budgets>;
  /** The folder whose disk the free-space reserve guards (the data dir); unset: no disk guard. */
  diskPath?: string;
  /** Reads free space (tests inject a full disk). @default fs.statfs */
  diskProbe?: import('./budget.js').DiskProbe;
  /** Lease time-to-live for one sync; renewed while the run is alive. @default 60000 */
  leaseTtlMs?: number;
  /**
   * Retries of a retryable read failure within one sync call, resuming from the checkpoint, with backoff
   * (see run-plan.ts). A request failure whose request budget is spent is not repeated unless the attempt made
   * progress. @default 4
   */
  runRetries?: number;
  /** How long a run waits out a store outage (`store_unavailable`), retrying with backoff. @default 60000 */
  storeOutageMs?: number;
  /**
   * Embeds the chunks in the embedding backlog (off the write path: `engine.embeddings`, and the background worker
   * of `up`/`worker`) and queries at search time, where the store keeps vectors (`store.vectorSupport().enabled`);
   * without it, search is keyword only.
   */
  embedder?: import('../embedding/embedder.js').Embedder;
  /** Receives engine logs (already redacted). */
  log?: (record: import('@tributary/sdk').LogRecord) => void;
  /** Hook for metrics. */
  onEvent?: (event: EngineEvent) => void;
  /**
   * Where a sync runs (the runtime's worker-thread pool). It gets the source, its connector, the options (with the
   * abort signal) and `inline`, which runs the sync on this thread (for connectors that cannot cross a thread).
   * @default inline
   */
  syncExecutor?: SyncExecutor;
}

/** Runs one sync somewhere (see {@link EngineOptions.syncExecutor}); resolves with the finished run. */
export type SyncExecutor = (
  source: SourceRecord,
  connector: AnyConnector,
  options: SyncOptions,
  inline: () => Promise<RunRecord>,
) => Promise<RunRecord>;

export type EngineEvent =
  | { type: 'run_finished'; run: RunRecord; source: SourceRecord }
  | {
      type: 'page_committed';
      sourceId: string;
      connector: string;
      created: number;
      updated: number;
      deleted: number;
      unchanged: number;
      items: number;
    }
  | { type: 'api_call'; sourceId: string; connector: string }
  | { type: 'rate_limit_wait'; sourceId: string; connector: string; ms: number }
  | {
      /** A connector's own metric (manifest `monitoring.metrics`), updated through `ctx.metrics`. */
      type: 'connector_metric';
      sourceId: string;
      connector: string;
      name: string;
      metricType: 'counter' | 'gauge';
      description: string;
      op: 'inc' | 'set';
      value: number;
    };

/**
 * The store's ports an interface (REST, MCP, CLI, the runtime) uses beside the engine's operations, each typed to
 * its concern (store/ports/). They are the engine's store seen through narrow types, so what a module may do to the
 * store shows where it reaches for a port; the whole store is not part of the facade. Records the engine owns
 * (sources, memories, runs) are written through the engine's operations, which validate, seal secrets and log.
 */
export interface EnginePorts {
  /** Users, their allowed roots, and hashed API tokens. */
  readonly auth: AuthStore;
  /** Small keyed state with expiry: OAuth states, webhook replay guards, saved settings (embeddings, Qdrant). */
  readonly kv: KvStore;
  /** Source records as stored (secret config fields sealed), their runs and connector features: lookups. */
  readonly sources: SourceReads;
  /** Stored memories: counts, export, statistics. */
  readonly memories: MemoryReads;
  /** The store's kind, readiness, migrations and whether it keeps vectors. */
  readonly lifecycle: Pick<StoreLifecycle, 'kind' | 'vectorSupport' | 'migrationStatus' | 'ping'>;
  /** What a vault and the OAuth flow read and write (ciphertext, OAuth states, sources' sealed configs). */
  readonly vault: VaultStore;
}

/** Source lookups: by id, by name, listed; their runs; the registry's per-source feature settings. */
export type SourceReads = Pick<
  MemoryStore,
  'getSource' | 'getSourceByName' | 'listSources' | 'listRuns' | 'connectorRegistry'
>;

/** Memory reads (nothing that writes or erases). */
export type MemoryReads = Pick<
  MemoryStore,
  'getMemory' | 'getMemoryByExternalId' | 'countMemories' | 'exportMemories' | 'sourceStats' | 'usage'
>;

/** The engine with its whole store: what `createEngine` returns to the engine's own modules and tests. */
export interface EngineWithStore extends Engine {
  readonly store: MemoryStore;
}

export interface Engine {
  /** The store's narrow ports (see {@link EnginePorts}). */
  readonly ports: EnginePorts;
  connectors: {
    list(): AnyConnector[];
    /** @throws TributaryError `not_found` naming the known connectors */
    get(name: string): AnyConnector;
    /** The registry: enabled or not, versions, feature settings (connector-registry.ts). */
    registry: import('./connector-registry.js').ConnectorRegistry;
  };
  sources: {
    /** @throws `invalid_config` (names the field), `not_found` (unknown connector), `conflict` (name taken) */
    add(input: NewSourceInput): Promise<SourceRecord>;
    /** Every check `add` makes, writing nothing (for dry runs). @throws as `add` */
    validate(input: NewSourceInput): Promise<void>;
    list(ownerId?: string): Promise<SourceRecord[]>;
    /** By id, or by name within the owner. @throws `not_found` */
    get(idOrName: string, ownerId?: string): Promise<SourceRecord>;
    update(id: string, patch: SourcePatchInput): Promise<SourceRecord>;
    /**
     * The source's config with secret fields decrypted (for comparing, e.g. `apply`); never print it.
     * @throws `not_found`, `secret_key_invalid`
     */
    plainConfig(id: string): Promise<Record<string, unknown>>;
    pause(id: string): Promise<SourceRecord>;
    resume(id: string): Promise<SourceRecord>;
    /** Deletes the source and all its data. */
    remove(id: string): Promise<void>;
    check(id: string): Promise<CheckResult>;
    discover(id: string): Promise<DiscoveredResource[]>;
    /**
     * Runs the connector's realtime watcher (IMAP IDLE …) until `signal` aborts; `onChange` is called for each
     * upstream change. Resolves at once when the connector has no watcher.
     */
    watch(id: string, onChange: (hints?: Record<string, unknown>) => void, signal: AbortSignal): Promise<void>;
    /** Offers a webhook delivery to the source's connector (signature checked with that source's secrets). */
    webhook(
      id: string,
      request: import('@tributary/sdk').WebhookRequest,
    ): Promise<import('@tributary/sdk').WebhookOutcome | null>;
  };
  /** Runs one sync of a source now (in this process). Resolves with the finished run record. */
  sync(sourceId: string, options?: SyncOptions): Promise<RunRecord>;
  /** Pauses a running sync of this source in this process (and marks the source paused). */
  abort(sourceId: string): boolean;
  /** Push ingestion: same pipeline, same transaction rule. Idempotent. */
  ingest(sourceId: string, input: IngestInput): Promise<IngestResult>;
  /** One page of a keyword, semantic or hybrid search, with the total and a cursor (search/ranked-search.ts). */
  search(query: import('../search/types.js').RankedSearchQuery): Promise<import('../search/types.js').SearchResult>;
  /** The embedding backlog and vectors (search/embed-backlog.ts); `null` coverage without an embedder. */
  embeddings: {
    coverage(): Promise<import('../search/types.js').EmbeddingCoverage | null>;
    /** For `status`: whether the store keeps vectors (and why not), the embedder, and the backlog. */
    status(): Promise<import('../search/types.js').EmbeddingStatus>;
    /** Drains the backlog now. @throws TributaryError `invalid_input` without an embedder or vector store */
    drain(
      options?: import('../search/embed-backlog.js').DrainOptions,
    ): Promise<import('../search/embed-backlog.js').DrainResult>;
    /** Re-embeds from stored text what this model lacks (`reindex --embeddings`). */
    reindex(
      options?: import('../search/embed-backlog.js').DrainOptions,
    ): Promise<import('../search/embed-backlog.js').DrainResult & { queued: number }>;
    /** Drains in the background until `close()` (long-running processes). No-op without an embedder. */
    startBackground(): void;
  };
  timeline(query: TimelineQuery): Promise<{ entries: TimelineEntry[]; nextCursor: string | null }>;
  getMemory(id: string, ownerId?: string): Promise<MemoryWithVersions | null>;
  runs(filter: { sourceId?: string; ownerId?: string; limit?: number }): Promise<RunRecord[]>;
  stats(sourceId: string): Promise<SourceStats>;
  /** Right to forget: nothing of the source's data remains (memories, versions, chunks, index, checkpoint). */
  purge(sourceId: string): Promise<number>;
  /** Re-scores importance and domain of stored memories from stored content (no re-fetch). */
  reenrich(filter?: { sourceId?: string; ownerId?: string }): Promise<import('./reenrich.js').ReenrichResult>;
  /** The user's privacy rules (engine/privacy.ts): applied before storage by every sync and ingest. */
  privacy: {
    get(ownerId: string): Promise<import('./privacy.js').PrivacyRules>;
    /** @throws TributaryError `invalid_input` (schema or a regex), nothing changed */
    set(ownerId: string, rules: unknown): Promise<import('./privacy.js').PrivacyRules>;
    /** What these rules (default: the saved ones) would drop or redact in stored data; changes nothing. */
    dryRun(ownerId: string, rules?: unknown): Promise<import('./privacy-scan.js').PrivacyReport>;
    /** Erases stored memories matching `pattern` (see privacy-scan.ts). */
    purgeMatching(
      ownerId: string,
      pattern: string,
      options?: { flags?: string; dryRun?: boolean },
    ): Promise<{ scanned: number; matched: number; purged: number }>;
  };
  close(): Promise<void>;
}
