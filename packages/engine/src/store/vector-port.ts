import { TributaryError } from '@tributary/sdk/errors';

/**
 * The vector port: nearest-neighbour search over chunk embeddings, one adapter per backend (sqlite-vec in the
 * embedded SQLite file, pgvector in PostgreSQL, Qdrant), all proven by one contract suite (`vector.contract.ts`).
 *
 * A vector is keyed by the chunk's content hash and the embedding model's id, never by a chunk row: identical
 * chunks (the same text in two sources, or a re-read after an edit elsewhere) are embedded and stored once, and a
 * new model's vectors sit beside the old ones until they are dropped. Which sources a vector is live in travels
 * with it as its *scopes*, so a search can be limited to one owner's (or some sources') vectors inside the index,
 * before the top k is taken: another user's vectors never fill a user's page.
 *
 * The index is not the source of truth: the store's chunks are. The engine keeps scopes in step (a chunk
 * tombstoned, a source deleted) and deletes a vector whose hash is live nowhere; every hit is still joined to live
 * memories under the full search filters before anyone sees it.
 */
export type VectorBackend = 'sqlite-vec' | 'pgvector' | 'qdrant';

/** An embedding model as the index knows it: vectors of different models are never compared. */
export interface VectorModel {
  /** Stable id of model + server (the embedder's `id`), e.g. `all-minilm@http://localhost:11434`. */
  id: string;
  /** Length of every vector of this model. */
  dimensions: number;
}

/** One place a vector's chunk is live in. */
export interface VectorScope {
  ownerId: string;
  sourceId: string;
}

export interface VectorPoint {
  /** The chunk's content hash (sha256 hex of the embedded text, see `chunkHash`). */
  hash: string;
  vector: ArrayLike<number>;
  /** Every source where a live chunk has this hash; replaces what was stored. */
  scopes: VectorScope[];
}

/** Limits a search or count to vectors live in one of these places (all given fields must match one scope). */
export interface VectorFilter {
  ownerId?: string;
  sourceIds?: string[];
}

export interface VectorQuery {
  vector: ArrayLike<number>;
  /** How many nearest vectors to return, 1 to {@link MAX_VECTOR_K}. */
  k: number;
  filter?: VectorFilter;
  /** Exact (brute force) even where the adapter has an approximate path: recall baselines, tests. */
  exact?: boolean;
}

export interface VectorMatch {
  hash: string;
  /** Cosine distance: 0 same direction, 1 orthogonal, 2 opposite. Ascending in results; ties by hash. */
  distance: number;
}

/** The most neighbours one query may ask for; callers page through fused lists, never through a bigger k. */
export const MAX_VECTOR_K = 1000;

export interface VectorIndex {
  readonly backend: VectorBackend;
  /**
   * Creates what the model's vectors need (a table, a collection, an index). Idempotent.
   * @throws TributaryError `invalid_config` when the model id is already stored with another dimension.
   */
  ensureModel(model: VectorModel): Promise<void>;
  /** Models with stored vectors (or ensured), with how many vectors each holds. */
  models(): Promise<Array<VectorModel & { count: number }>>;
  /**
   * Inserts or replaces vectors and their scopes, all or nothing.
   * @throws TributaryError `invalid_input` for a vector of another length or a non-finite value;
   *   `not_found` when the model was never ensured.
   */
  upsert(model: string, points: VectorPoint[]): Promise<void>;
  /** Replaces the scopes of stored vectors without re-embedding; returns how many of the hashes exist. */
  setScopes(model: string, entries: Array<{ hash: string; scopes: VectorScope[] }>): Promise<number>;
  /** Of these hashes, the ones with a stored vector of the model. */
  has(model: string, hashes: string[]): Promise<Set<string>>;
  /** Removes these vectors; returns how many existed. */
  delete(model: string, hashes: string[]): Promise<number>;
  /** Removes every vector of a model and what was made for it (after a model change). */
  dropModel(model: string): Promise<void>;
  /**
   * The k nearest vectors by cosine distance, limited by the filter, nearest first.
   * @throws TributaryError `invalid_input` for a query vector of another length or k out of range.
   */
  search(model: string, query: VectorQuery): Promise<VectorMatch[]>;
  /** Stored vectors of the model (live in the filter's places when given). */
  count(model: string, filter?: VectorFilter): Promise<number>;
}

/** Checks a vector against the model's dimension before any backend sees it. */
export function assertVector(v: ArrayLike<number>, dimensions: number, what = 'An embedding'): void {
  let finite = true;
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i]!)) finite = false;
  if (v.length !== dimensions || !finite)
    throw new TributaryError(
      'invalid_input',
      `${what} has ${v.length} dimensions${finite ? '' : ' and a non-finite value'} but the model's vectors have ${dimensions}; embed with the configured model.`,
      { issues: [{ path: 'vector', message: `expected ${dimensions} finite numbers` }] },
    );
}

/** Checks k against {@link MAX_VECTOR_K}. */
export function assertK(k: number): void {
  if (!Number.isInteger(k) || k < 1 || k > MAX_VECTOR_K)
    throw new TributaryError('invalid_input', `k must be a whole number from 1 to ${MAX_VECTOR_K} (got ${k}).`, {
      issues: [{ path: 'k', message: `1 to ${MAX_VECTOR_K}` }],
    });
}

/** The error every adapter throws for a model that was never ensured. */
export function unknownModel(model: string): TributaryError {
  return new TributaryError(
    'not_found',
    `No vectors of the embedding model "${model}" are stored (ensureModel first).`,
  );
}

/** Cosine distance of two vectors (1 − cos θ); a zero vector is at distance 1 from everything. */
export function cosineDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na === 0 || nb === 0 ? 1 : 1 - dot / Math.sqrt(na * nb);
}
