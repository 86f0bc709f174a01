import type { Checkpoint, ContentType } from '@tributary/sdk';
import type { StateChange } from '../connector-state.js';
import type { RunCounts } from './runs.js';

/** The write path: one page of items, deletions, checkpoint, connector state and run counters in one transaction. */

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

export interface WriteStore {
  /** Fingerprints of existing, live memories for these external ids (the unchanged fast path). */
  lookupFingerprints(sourceId: string, externalIds: string[]): Promise<Map<string, string>>;
  /** Items, deletions and checkpoint of one page in ONE transaction. */
  commitPage(input: CommitPageInput): Promise<CommitPageResult>;
  /**
   * Optional, writes nothing: prepares what `commitPage` will send for this `items` array (the runner calls it while
   * the page before is committing, to take that work off the path between two commits).
   */
  encodeItems?(items: PreparedItem[]): void;
  /** Full refresh: tombstones live memories of the source not marked seen by `runId`; returns the count. */
  tombstoneUnseen(sourceId: string, runId: string): Promise<number>;
  /** Indexes whatever pages committed with `deferIndex` left out; afterwards search sees every committed item. */
  flushIndex(): Promise<void>;
}
