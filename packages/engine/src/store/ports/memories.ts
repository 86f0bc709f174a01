import type { ContentType } from '@tributary/sdk';
import type { RunStatus } from './runs.js';

/** Stored memories read one by one or per source, re-scored, erased and counted (search and timeline: search.ts). */

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

export interface MemoryReadStore {
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
  sourceStats(sourceId: string): Promise<SourceStats>;
  /** Live memories and their content bytes (UTF-8, content + title) of one source or of all sources of an owner. */
  usage(filter: { sourceId: string } | { ownerId: string }): Promise<{ items: number; bytes: number }>;
}
