import type { SearchHit, SearchQuery } from '../store/types.js';

/**
 * `keyword`: full text (BM25 on SQLite, ts_rank_cd on PostgreSQL). `semantic`: nearest chunk vectors of the query's
 * embedding. `hybrid`: both lists fused by reciprocal rank fusion (rrf.ts). Default: hybrid when the deployment has
 * an embedder and stored vectors, keyword otherwise.
 */
export const SEARCH_MODES = ['keyword', 'semantic', 'hybrid'] as const;
export type SearchMode = (typeof SEARCH_MODES)[number];

/** The most hits one page may hold; a caller wanting more pages with the cursor (the CLI does it for `--limit`). */
export const MAX_PAGE = 200;

/**
 * Counting keyword matches stops here; beyond it the total is a lower bound. The count is a query of its own on every
 * full page, linear in this cap: at 10,000 it tripled the p50 of mid-frequency words in the search bench (200k
 * items); at 1,000 it costs about what the page's own ranking costs.
 */
export const COUNT_CAP = 1000;

export interface RankedSearchQuery extends Omit<SearchQuery, 'vector'> {
  mode?: SearchMode;
  /** From the previous page's `nextCursor`; the query and filters must be the same. Wins over `offset`. */
  cursor?: string;
  /** 1 to {@link MAX_PAGE}. @default 20 */
  limit?: number;
}

/** Which ranked lists a hit came from, with its 1-based rank in each. */
export interface HitOrigin {
  keyword?: number;
  semantic?: number;
}

export interface RankedHit extends SearchHit {
  /** The lists the hit was found in (`keyword`, `semantic`), and its rank in each. */
  lists: Array<keyof HitOrigin>;
  ranks: HitOrigin;
  /** Cosine distance of the nearest chunk, when the semantic list holds the hit. */
  distance?: number;
}

/** How much of the corpus the semantic side can see. */
export interface EmbeddingCoverage {
  model: string;
  dimensions: number;
  /** Distinct chunk texts with a vector of this model. */
  embedded: number;
  /** Backlog entries not embedded yet (new or changed chunks). */
  pending: number;
  /** Nothing pending: every chunk is searchable by meaning. */
  complete: boolean;
}

export interface SearchResult {
  mode: SearchMode;
  hits: RankedHit[];
  /** Matching memories: exact when `totalExact`, else a lower bound ("at least"). */
  total: number;
  totalExact: boolean;
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
  /** Present when the semantic side took part. */
  embedding?: EmbeddingCoverage;
  /** Why the answer is not what was asked for (the embeddings server failed, hybrid fell back to keyword). */
  warnings?: string[];
}

/** What `status` shows about semantic search. */
export interface EmbeddingStatus {
  /** Whether the store keeps vectors, and why not. */
  vectors: { enabled: boolean; reason: string; backend: string | null };
  /** The configured embedder (null: none, search is keyword only). */
  embedder: { model: string; dimensions: number } | null;
  /** Chunk texts waiting in the embedding backlog. */
  pending: number;
  /** Vectors of the embedder's model. */
  embedded: number;
}
