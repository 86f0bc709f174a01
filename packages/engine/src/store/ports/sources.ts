import type { Checkpoint } from '@tributary/sdk';

/** Sources (the seed's data sources) and their committed checkpoint. */

/** A checkpoint as stored: a pulled connector's flat object, or a push exporter's own JSON value (a string …). */
export type StoredCheckpoint = Checkpoint | string | number | boolean | unknown[];

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

export interface SourceStore {
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
}
