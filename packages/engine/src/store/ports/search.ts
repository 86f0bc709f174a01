import type { MemoryRecord } from './memories.js';

/** Full-text (and, where the store keeps vectors, hybrid) search and the timeline, always owner-scoped by callers. */

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

export interface SearchStore {
  /**
   * `total`, when present: the exact number of memories matching under the filters, known because the store ranked
   * every match to answer (a store may leave it out; callers then count with `countMatches`).
   * @throws TributaryError `invalid_query` on a syntax error in `fts` mode
   */
  search(query: SearchQuery): Promise<{ hits: SearchHit[]; total?: number }>;
  timeline(query: TimelineQuery): Promise<{ entries: TimelineEntry[]; nextCursor: string | null }>;
}
