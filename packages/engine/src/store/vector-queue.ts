import { hash } from 'node:crypto';
import type { SearchFilters, SearchHit, SearchQuery } from './types.js';
import type { VectorFilter, VectorIndex, VectorMatch, VectorScope } from './vector-port.js';

/**
 * The embedding backlog and the chunk side of vector search, kept by the store beside the chunks (same database,
 * same transactions). Chunks commit with the page; the store's write path records each chunk's content hash in
 * the backlog in that same transaction — on insert (to embed) and on delete (to re-scope or drop the vector) —
 * so a crash loses no entry. The engine's embedding worker drains the backlog in batches, off the write path.
 *
 * A hash may be queued more than once (SQLite appends, PostgreSQL keeps one entry per hash); the drain handles each
 * hash once per batch. A hash queued again while its batch is in flight gets a newer sequence number, so `done` of
 * that batch does not remove it.
 */
export interface BacklogEntry {
  /** Queue position; `done` removes by it. */
  seq: number;
  hash: string;
}

/** What the worker needs to embed one hash: its text, and where it is live. */
export interface ChunkInfo {
  hash: string;
  /** The embedded text (the first chunk carries the item's title); null when no live chunk has the hash. */
  text: string | null;
  scopes: VectorScope[];
}

export interface EmbeddingQueue {
  /** Whether the write path records chunk hashes (turned on when an embedding model is first ensured). */
  enabled(): Promise<boolean>;
  /** Turns backlog recording on (idempotent). */
  enable(): Promise<void>;
  /** The oldest entries, at most `limit` (the same hash may appear more than once). */
  next(limit: number): Promise<BacklogEntry[]>;
  /** Removes entries of a finished batch. */
  done(seqs: number[]): Promise<void>;
  size(): Promise<number>;
  /** Text and live scopes of each hash (every hash asked for is answered). */
  describe(hashes: string[]): Promise<ChunkInfo[]>;
  /**
   * Queues every live chunk's hash (a model change, `reindex --embeddings`), filling hashes missing on chunks
   * written before hashes existed; returns how many hashes were queued.
   */
  enqueueAll(): Promise<number>;
  /** Distinct live chunk hashes (within the filter's places): the corpus an index can cover. */
  corpus(filter?: VectorFilter): Promise<number>;
  /**
   * Live memories holding these hashes under the full search filters, in the matches' order (a memory appears once,
   * at its nearest chunk); the snippet is that chunk's text.
   */
  hitsFor(matches: VectorMatch[], filters: SearchFilters): Promise<Array<SearchHit & { distance: number }>>;
}

/** The text that is embedded for a chunk: the first chunk carries the item's title, as in full text. */
export function embeddedText(seq: number, title: string | null | undefined, text: string): string {
  return seq === 0 && title ? `${title}\n\n${text}` : text;
}

/** A chunk's content hash: sha256 hex of its embedded text. Equal text from any source hashes equal. */
export function chunkHash(seq: number, title: string | null | undefined, text: string): string {
  return hash('sha256', embeddedText(seq, title, text), 'hex');
}

/** The vector side of a store: every backend has it (`vectorSupport` says why vectors are on or off). */
export interface VectorStore {
  /** Vector search availability (known after `migrate()`). */
  vectorSupport(): { enabled: boolean; reason: string };
  /** The store's own vector index (sqlite-vec, pgvector); null where the backend cannot keep vectors. */
  readonly vectorIndex: VectorIndex | null;
  readonly embeddingQueue: EmbeddingQueue;
  /**
   * How many live memories match a keyword query under its filters, exactly up to `cap`, else `cap` marked as a
   * lower bound (so a result set can say "960 matches" or "at least 10000").
   */
  countMatches(query: SearchQuery, cap: number): Promise<MatchCount>;
}

export interface MatchCount {
  total: number;
  /** false: `total` is a lower bound (the count stopped there). */
  exact: boolean;
}

/**
 * A port whose adapter is made on first use (after `migrate()`): the store object can be spread or copied before
 * its schema exists without touching the database.
 */
export function lazyPort<T extends object>(make: () => T): T {
  return new Proxy({} as T, {
    get(_target, key) {
      const target = make();
      const value = (target as Record<string | symbol, unknown>)[key];
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
