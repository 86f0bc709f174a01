import type { Checkpoint, ContentType } from '@tributary/sdk';

/** A checkpoint as stored: a pulled connector's flat object, or a push exporter's own JSON value (a string …). */
export type StoredCheckpoint = Checkpoint | string | number | boolean | unknown[];
import type { StateChange, StateListOptions } from './connector-state.js';
import type { ConnectorRegistryPort } from './registry.js';

/**
 * The store port. Two adapters (SQLite embedded, PostgreSQL distributed) pass one contract suite
 * (`store.contract.ts`). All timestamps are ISO 8601 strings in UTC at this boundary.
 */

export type SourceStatus = 'active' | 'paused' | 'error';

export interface Schedule {
  /** The seed's `interval_minutes`. @default 60 */
  intervalMinutes?: number;
  /** A cron expression (5 or 6 fields); wins over the interval when set. */
  cron?: string;
}

export interface SourceRecord {
  id: string;
  ownerId: string;
  /** The connector name (the seed's `source_type`). */
  sourceType: string;
  /** Unique per owner. */
  name: string;
  config: Record<string, unknown>;
  features: Record<string, boolean>;
  schedule: Schedule | null;
  status: SourceStatus;
  errorMessage: string | null;
  lastSyncAt: string | null;
  /**
   * The last committed checkpoint (the seed's `last_sync_position`): a connector's flat object, or whatever JSON a
   * push exporter sent (the seed documents a string such as `"1714557600.000100"`), returned as given.
   */
  lastSyncPosition: StoredCheckpoint | null;
  createdAt: string;
  updatedAt: string;
}

export interface NewSource {
  id?: string;
  ownerId: string;
  sourceType: string;
  name: string;
  config: Record<string, unknown>;
  features?: Record<string, boolean>;
  schedule?: Schedule | null;
  status?: SourceStatus;
}

export interface SourcePatch {
  name?: string;
  config?: Record<string, unknown>;
  features?: Record<string, boolean>;
  schedule?: Schedule | null;
  status?: SourceStatus;
  errorMessage?: string | null;
  lastSyncAt?: string | null;
}

export type RunMode = 'backfill' | 'incremental' | 'full_refresh' | 'webhook' | 'push';
export type RunStatus = 'running' | 'succeeded' | 'failed' | 'aborted';
export type RunTrigger = 'manual' | 'schedule' | 'webhook' | 'push' | 'api';

export interface RunCounts {
  itemsSeen: number;
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
  /** Per-item failures the connector or pipeline skipped. */
  failed: number;
  apiCalls: number;
  rateLimitWaitMs: number;
}

export interface RunRecord extends RunCounts {
  id: string;
  sourceId: string;
  mode: RunMode;
  trigger: RunTrigger;
  status: RunStatus;
  startedAt: string;
  finishedAt: string | null;
  heartbeatAt: string | null;
  error: string | null;
  errorCode: string | null;
}

/** An item after the pipeline: normalized, redacted, hashed, tagged and chunked. */
export interface PreparedItem {
  externalId: string;
  stream: string;
  title: string | null;
  content: string;
  contentType: ContentType;
  url: string | null;
  author: string | null;
  container: string | null;
  thread: string | null;
  /** ISO 8601. */
  occurredAt: string | null;
  tags: string[];
  metadata: Record<string, unknown>;
  /** 0–1 from the item's signals (pipeline/enrich/importance.ts). */
  importance: number;
  /** Domain of the taxonomy (work, code …), null when nothing points to one. */
  domain: string | null;
  /** sha256 of the normalized content + title: equal content from two paths hashes equal. */
  contentHash: string;
  /** Hash of the raw item as received (plus pipeline version): the fast path for unchanged re-reads. */
  fingerprint: string;
  /** `embedding`: the chunk's vector when an embedder is configured and the store keeps vectors. */
  chunks: Array<{ seq: number; text: string; heading: string | null; embedding?: number[] }>;
}

export interface CommitPageInput {
  sourceId: string;
  runId: string | null;
  items: PreparedItem[];
  /** External ids recognised as unchanged before the pipeline ran (fingerprint match). */
  unchangedIds?: string[];
  deletes: string[];
  /** The checkpoint after this page; `undefined` leaves the stored one as it is (push without checkpoint). */
  checkpoint: Checkpoint | undefined;
  /** Connector-state changes committed with the checkpoint (see connector-state.ts). */
  state?: StateChange;
  /** Full refresh: mark every item of the page as seen by this run. */
  markSeen?: boolean;
  /** Run counters to add in the same transaction (so a crash never leaves counts ahead of data). */
  runCounts?: Partial<RunCounts>;
  /**
   * Bulk backfill: the store may leave this page's full-text indexing to a later merge (a durable marker in the
   * same transaction keeps that crash-safe); `flushIndex` makes everything searchable. A page without it is
   * searchable when its commit returns.
   */
  deferIndex?: boolean;
}

export interface CommitPageResult {
  created: number;
  updated: number;
  unchanged: number;
  deleted: number;
}

export interface MemoryRecord {
  id: string;
  sourceId: string;
  externalId: string;
  stream: string;
  title: string | null;
  content: string;
  contentType: ContentType;
  url: string | null;
  author: string | null;
  container: string | null;
  thread: string | null;
  occurredAt: string | null;
  ingestedAt: string;
  updatedAt: string;
  contentHash: string;
  version: number;
  deletedAt: string | null;
  tags: string[];
  metadata: Record<string, unknown>;
  /** 0–1; null for memories stored before enrichment existed (until `reindex --enrichment`). */
  importance: number | null;
  domain: string | null;
}

export interface MemoryVersion {
  version: number;
  title: string | null;
  content: string;
  contentHash: string;
  metadata: Record<string, unknown>;
  /** When this version was replaced. */
  supersededAt: string;
}

export interface MemoryWithVersions extends MemoryRecord {
  sourceName: string;
  sourceType: string;
  /** Earlier versions, newest first. */
  versions: MemoryVersion[];
}

/** New importance and domain of one stored memory (`reindex --enrichment`). */
export interface EnrichmentUpdate {
  id: string;
  importance: number;
  domain: string | null;
}

export interface SearchFilters {
  /** Only this user's sources (every interface passes it; `undefined` = all, for admin tools). */
  ownerId?: string;
  sourceIds?: string[];
  /** Connector names (source types). */
  connectors?: string[];
  streams?: string[];
  authors?: string[];
  containers?: string[];
  threads?: string[];
  tags?: string[];
  /** ISO 8601 bounds on `occurred_at`, inclusive. */
  since?: string;
  until?: string;
  /** Only memories whose importance is at least this (0–1). */
  minImportance?: number;
  /** Only memories classified in one of these domains. */
  domains?: string[];
}

export interface SearchQuery extends SearchFilters {
  text: string;
  /** `simple` (default): words and "phrases", all must match, `word*` prefixes. `fts`: the engine's own syntax. */
  syntax?: 'simple' | 'fts';
  limit?: number;
  offset?: number;
  /**
   * The query embedded with the same embedder as the chunks. Where the store keeps vectors, hits are ranked by
   * reciprocal rank fusion of full text and vector similarity; elsewhere it is ignored (full text only).
   */
  vector?: number[];
}

export interface SearchHit {
  memoryId: string;
  sourceId: string;
  sourceName: string;
  connector: string;
  externalId: string;
  stream: string;
  title: string | null;
  /** The best matching passage, matches wrapped in `<mark>` … `</mark>`. */
  snippet: string;
  url: string | null;
  author: string | null;
  container: string | null;
  thread: string | null;
  occurredAt: string | null;
  tags: string[];
  importance: number | null;
  domain: string | null;
  /** Higher is better (relevance boosted by importance, see IMPORTANCE_BOOST). */
  score: number;
}

export interface TimelineQuery extends SearchFilters {
  limit?: number;
  /** Opaque cursor from the previous page. */
  cursor?: string;
  order?: 'asc' | 'desc';
}

export interface TimelineEntry extends Omit<MemoryRecord, 'content'> {
  sourceName: string;
  /** First ~300 characters. */
  preview: string;
}

export interface SourceStats {
  sourceId: string;
  memories: number;
  deleted: number;
  versions: number;
  byStream: Record<string, number>;
  oldest: string | null;
  newest: string | null;
  runs: Record<RunStatus, number>;
}

export interface UserRecord {
  id: string;
  name: string;
  isAdmin: boolean;
  /**
   * Folders on the server this (non-admin) user's local sources may read (real paths; empty: none). Admins read
   * anywhere but the server's own data dir, whatever this says.
   */
  allowedRoots: string[];
  createdAt: string;
}

export interface TokenRecord {
  id: string;
  userId: string;
  name: string;
  /** sha256 hex of the token; the token itself is never stored. */
  tokenHash: string;
  readOnly: boolean;
  /** `api` or `metrics` (a metrics-only token). */
  scope: 'api' | 'metrics';
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** An encrypted credential as the vault writes it; the store never sees plaintext. */
export interface CredentialEnvelope {
  sourceId: string;
  keyId: string;
  /** base64 */
  iv: string;
  tag: string;
  ciphertext: string;
  updatedAt: string;
  /** Bumped on every write, for compare-and-swap (refresh-token rotation). */
  revision: number;
}

export interface MigrationStatus {
  current: number;
  latest: number;
}

/** Whether the store keeps embeddings and ranks by them; `reason` says why not (shown at start-up). */
export interface VectorSupport {
  enabled: boolean;
  reason: string;
}

export interface MemoryStore {
  readonly kind: 'sqlite' | 'postgres';
  /** Vector search availability (known after `migrate()`); absent = no vectors. */
  vectorSupport?(): VectorSupport;
  /** Applies pending migrations. Idempotent; safe to call on every start. */
  migrate(): Promise<MigrationStatus>;
  migrationStatus(): Promise<MigrationStatus>;
  /** Cheap round trip for readiness probes. */
  ping(): Promise<void>;
  close(): Promise<void>;
  /** Connectors known to this deployment, enabled or not, and their feature settings (registry.ts). */
  connectorRegistry?: ConnectorRegistryPort;

  // sources
  createSource(input: NewSource): Promise<SourceRecord>;
  getSource(id: string): Promise<SourceRecord | null>;
  getSourceByName(ownerId: string, name: string): Promise<SourceRecord | null>;
  listSources(filter?: { ownerId?: string; sourceType?: string; status?: SourceStatus }): Promise<SourceRecord[]>;
  /** @throws TributaryError `not_found`, `conflict` (name taken) */
  updateSource(id: string, patch: SourcePatch): Promise<SourceRecord>;
  /** Deletes the source and everything of it: memories, versions, chunks, FTS rows, runs, checkpoint, credential. */
  deleteSource(id: string): Promise<boolean>;
  /** Right to forget: removes all memories (and index rows, versions) of a source but keeps the source. */
  purgeSourceData(id: string): Promise<number>;
  getCheckpoint(sourceId: string): Promise<Checkpoint | null>;
  /** Sets or clears the checkpoint outside a page (reset for a full re-sync). */
  setCheckpoint(sourceId: string, checkpoint: Checkpoint | null): Promise<void>;

  // runs
  startRun(input: { sourceId: string; mode: RunMode; trigger: RunTrigger }): Promise<RunRecord>;
  heartbeatRun(runId: string): Promise<void>;
  /** Ends a run. `counts`, when given, are the run's final totals (absolute), replacing the per-page increments. */
  finishRun(
    runId: string,
    outcome: {
      status: Exclude<RunStatus, 'running'>;
      mode?: RunMode;
      error?: string | null;
      errorCode?: string | null;
      counts?: Partial<RunCounts>;
    },
  ): Promise<RunRecord>;
  getRun(runId: string): Promise<RunRecord | null>;
  listRuns(filter: { sourceId?: string; ownerId?: string; status?: RunStatus; limit?: number }): Promise<RunRecord[]>;
  /** Runs still `running` whose heartbeat is older than the cutoff (their holder died). */
  findStaleRuns(heartbeatBefore: string): Promise<RunRecord[]>;

  // the write path
  /** Fingerprints of existing, live memories for these external ids (the unchanged fast path). */
  lookupFingerprints(sourceId: string, externalIds: string[]): Promise<Map<string, string>>;
  /** Items, deletions and checkpoint of one page in ONE transaction. */
  commitPage(input: CommitPageInput): Promise<CommitPageResult>;
  /** Full refresh: tombstones live memories of the source not marked seen by `runId`; returns the count. */
  tombstoneUnseen(sourceId: string, runId: string): Promise<number>;
  /** Connector state: values of those keys that exist (written by `commitPage`'s `state`). */
  getConnectorState(sourceId: string, keys: string[]): Promise<Map<string, unknown>>;
  /** Connector state in key order (bytewise), keyset-paged by `after`, at most `limit` records. */
  listConnectorState(sourceId: string, options: StateListOptions): Promise<Array<[string, unknown]>>;
  /** Indexes whatever pages committed with `deferIndex` left out; afterwards search sees every committed item. */
  flushIndex(): Promise<void>;

  // reads
  getMemory(id: string, ownerId?: string): Promise<MemoryWithVersions | null>;
  getMemoryByExternalId(sourceId: string, externalId: string): Promise<MemoryRecord | null>;
  /** Live memories count (or with tombstones). */
  countMemories(filter: { sourceId?: string; ownerId?: string; includeDeleted?: boolean }): Promise<number>;
  /** Sets importance and domain of stored memories in place (re-scoring without re-fetch); returns rows changed. */
  setEnrichment(updates: EnrichmentUpdate[]): Promise<number>;
  /** Privacy erase: tombstones these memories and removes their content, versions, chunks and index rows. */
  eraseMemories(ids: string[]): Promise<number>;
  /** Streams every memory of a source (tombstones included when asked), for export. */
  exportMemories(
    sourceId: string,
    options?: { includeDeleted?: boolean; batchSize?: number },
  ): AsyncIterable<MemoryRecord>;
  /** @throws TributaryError `invalid_query` on a syntax error in `fts` mode */
  search(query: SearchQuery): Promise<{ hits: SearchHit[] }>;
  timeline(query: TimelineQuery): Promise<{ entries: TimelineEntry[]; nextCursor: string | null }>;
  sourceStats(sourceId: string): Promise<SourceStats>;

  // leases: one sync per source, across processes and machines
  /** Takes the lease when free or expired; true when `holder` now holds it. */
  acquireLease(key: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Extends the lease; false when it was lost (expired and taken by another). */
  renewLease(key: string, holder: string, ttlMs: number): Promise<boolean>;
  releaseLease(key: string, holder: string): Promise<void>;
  /** Who holds a lease and until when (epoch ms); null when nobody ever took it or it was released. */
  getLease(key: string): Promise<{ holder: string; expiresAt: number } | null>;

  // users and API tokens
  createUser(input: { id?: string; name: string; isAdmin?: boolean }): Promise<UserRecord>;
  getUser(id: string): Promise<UserRecord | null>;
  /** Replaces a user's allowed roots; null when there is no such user. */
  setUserAllowedRoots(id: string, roots: string[]): Promise<UserRecord | null>;
  /** Live memories and their content bytes (UTF-8, content + title) of one source or of all sources of an owner. */
  usage(filter: { sourceId: string } | { ownerId: string }): Promise<{ items: number; bytes: number }>;
  listUsers(): Promise<UserRecord[]>;
  createToken(input: {
    userId: string;
    name: string;
    tokenHash: string;
    readOnly?: boolean;
    scope?: 'api' | 'metrics';
  }): Promise<TokenRecord>;
  findTokenByHash(tokenHash: string): Promise<TokenRecord | null>;
  listTokens(userId?: string): Promise<TokenRecord[]>;
  touchToken(id: string): Promise<void>;
  revokeToken(id: string): Promise<boolean>;

  // credentials (ciphertext only)
  putCredential(
    envelope: Omit<CredentialEnvelope, 'updatedAt' | 'revision'>,
    expectedRevision?: number,
  ): Promise<CredentialEnvelope>;
  getCredential(sourceId: string): Promise<CredentialEnvelope | null>;
  listCredentials(): Promise<CredentialEnvelope[]>;
  deleteCredential(sourceId: string): Promise<boolean>;

  // small keyed state with expiry (OAuth states, webhook replay guards, leader records)
  /** Inserts when absent or expired; false when a live value exists (single-use / replay detection). */
  kvPutIfAbsent(namespace: string, key: string, value: unknown, ttlMs: number): Promise<boolean>;
  /** Sets the value whatever was there, in one statement (settings such as privacy rules: never absent between). */
  kvPut(namespace: string, key: string, value: unknown, ttlMs: number): Promise<void>;
  kvGet<T = unknown>(namespace: string, key: string): Promise<T | null>;
  /** Reads and deletes in one step (single-use tokens). */
  kvTake<T = unknown>(namespace: string, key: string): Promise<T | null>;
  kvDelete(namespace: string, key: string): Promise<void>;
}
