import type { Logger } from '@tributary/sdk';
import { TributaryError } from '@tributary/sdk/errors';
import type { Embedder } from '../embedding/embedder.js';
import type { MemoryStore, SearchHit, SearchQuery } from '../store/types.js';
import { MAX_VECTOR_K } from '../store/vector-port.js';
import type { VectorStore } from '../store/vector-queue.js';
import { boostFactor } from '../store/ranking.js';
import { decodeSearchCursor, encodeSearchCursor } from './cursor.js';
import { fuse } from './rrf.js';
import {
  COUNT_CAP,
  MAX_PAGE,
  SEARCH_MODES,
  type EmbeddingCoverage,
  type EmbeddingStatus,
  type RankedHit,
  type RankedSearchQuery,
  type SearchMode,
  type SearchResult,
} from './types.js';

export interface SearchDeps {
  store: MemoryStore & VectorStore;
  embedder?: Embedder;
  logger?: Logger;
  /** Chunks less similar than this (cosine) to the query are not semantic matches. @default {@link MIN_SIMILARITY} */
  minSimilarity?: number;
}

/**
 * The semantic side's relevance floor: a chunk whose cosine similarity to the query is below it is no match, so
 * every stored vector does not "match" every query, the semantic total means something, and a keyword hit of
 * unrelated meaning gains nothing from a distant vector rank in hybrid. Embedding models put unrelated texts at
 * about 0–0.3 and paraphrases above 0.5; raise it for models whose similarities run high.
 */
export const MIN_SIMILARITY = 0.3;

/** The store pages keyword hits 200 at a time. */
const STORE_PAGE = 200;

const invalid = (path: string, message: string, detail: string) =>
  new TributaryError('invalid_input', message, { issues: [{ path, message: detail }] });

/** How much of the corpus has vectors of the embedder's model (null: no embedder or no vector store). */
export async function embeddingCoverage(deps: SearchDeps): Promise<EmbeddingCoverage | null> {
  const { store, embedder } = deps;
  if (!embedder || !store.vectorSupport().enabled || !store.vectorIndex) return null;
  const model = (await store.vectorIndex.models()).find((m) => m.id === embedder.id);
  const pending = await store.embeddingQueue.size();
  const embedded = model?.count ?? 0;
  return { model: embedder.id, dimensions: embedder.dimensions, embedded, pending, complete: pending === 0 && !!model };
}

/** Vector support, embedder and backlog for `status` (works without an embedder too). */
export async function embeddingStatus(deps: SearchDeps): Promise<EmbeddingStatus> {
  const { store, embedder } = deps;
  const support = store.vectorSupport();
  const pending = await store.embeddingQueue.size().catch(() => 0);
  const models = support.enabled && store.vectorIndex ? await store.vectorIndex.models() : [];
  return {
    vectors: { ...support, backend: support.enabled ? (store.vectorIndex?.backend ?? null) : null },
    embedder: embedder ? { model: embedder.id, dimensions: embedder.dimensions } : null,
    pending,
    embedded: models.find((m) => m.id === embedder?.id)?.count ?? 0,
  };
}

/**
 * One page of a keyword, semantic or hybrid search with the total number of matches and a cursor to the next page.
 * Every filter applies in every mode: the vector side limits by owner and sources inside the index, the rest when
 * vector hits are joined to live memories.
 * @throws TributaryError `invalid_input` (limit, mode, cursor), `invalid_query`, and in an explicitly requested
 *   semantic or hybrid mode the embedder's error when the query cannot be embedded
 */
export async function rankedSearch(deps: SearchDeps, query: RankedSearchQuery): Promise<SearchResult> {
  const limit = query.limit ?? 20;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE)
    throw invalid(
      'limit',
      `limit must be a whole number from 1 to ${MAX_PAGE} (got ${limit}); page with the cursor for more.`,
      `1 to ${MAX_PAGE}`,
    );
  if (query.mode !== undefined && !SEARCH_MODES.includes(query.mode))
    throw invalid('mode', `mode must be one of ${SEARCH_MODES.join(', ')} (got "${query.mode}").`, 'unknown mode');
  const cursor = query.cursor ? decodeSearchCursor(query, query.cursor) : null;
  if (cursor && query.mode && query.mode !== cursor.mode)
    throw invalid('cursor', `The cursor pages a ${cursor.mode} search, not ${query.mode}.`, 'mode differs');
  const offset = cursor?.offset ?? query.offset ?? 0;
  if (!Number.isInteger(offset) || offset < 0)
    throw invalid('offset', `offset must be a whole number from 0 (got ${offset}).`, 'not a whole number');
  const explicit = query.mode !== undefined || cursor !== null;
  const requested = query.mode ?? cursor?.mode;
  // A remote vector index (Qdrant) can be down: keyword search never needs it, the default mode falls back to
  // keyword with a warning, and only an explicit semantic/hybrid search fails with the index's (retryable) error.
  let indexDown: string | undefined;
  const coverage = await embeddingCoverage(deps).catch((err: unknown) => {
    if (requested && requested !== 'keyword') throw err;
    indexDown = (err as Error).message;
    deps.logger?.warn('vector index unavailable; searching keyword only', { reason: indexDown });
    return null;
  });
  const mode: SearchMode = requested ?? (coverage && coverage.embedded > 0 ? 'hybrid' : 'keyword');
  if (mode !== 'keyword' && !coverage) {
    const why = !deps.embedder
      ? 'no embedder is configured (see docs/search.md: TRIBUTARY_EMBEDDINGS_* or the embeddings section of the config file)'
      : deps.store.vectorSupport().reason;
    throw invalid('mode', `${mode} search is not available: ${why}.`, 'needs vectors');
  }

  let vector: number[] | undefined;
  const warnings: string[] = [];
  if (indexDown) warnings.push(`The vector index is unavailable (${indexDown}); these are keyword results only.`);
  if (mode !== 'keyword') {
    try {
      vector = (await deps.embedder!.embed([query.text]))[0];
    } catch (err) {
      if (explicit) throw err;
      // The default hybrid degrades to keyword when the embeddings server is down, and says so.
      const reason = (err as Error).message;
      deps.logger?.warn('query embedding failed; searching keyword only', { reason });
      warnings.push(`The query could not be embedded (${reason}); these are keyword results only.`);
    }
  }
  const effective: SearchMode = vector ? mode : 'keyword';
  const base = toStoreQuery(query);
  const bind = { ...query, mode: undefined, offset: undefined };
  const next = (o: number) => encodeSearchCursor(bind, { mode: effective, offset: o });

  if (effective === 'keyword') {
    // The search first: it turns a bad `fts` expression into invalid_query before the count sees it.
    const { hits, total } = await deps.store.search({ ...base, limit, offset });
    // A short page is the last one: its total needs no count (most queries of rare words end here); nor does a page
    // the store ranked from every match (it says how many).
    const count =
      total !== undefined
        ? { total, exact: true }
        : hits.length < limit && (hits.length > 0 || offset === 0)
          ? { total: offset + hits.length, exact: true }
          : await deps.store.countMatches(base, COUNT_CAP);
    const more = count.exact ? offset + hits.length < count.total : hits.length === limit;
    return {
      mode: 'keyword',
      // The store's hits are this call's own objects: extended in place. Copying each (object spread of its 17
      // fields) cost ~5 µs a hit, a tenth of a rare word's whole search at 1M items.
      hits: hits.map((h, i) =>
        Object.assign(h, { lists: ['keyword'] as RankedHit['lists'], ranks: { keyword: offset + i + 1 } }),
      ),
      total: Math.max(count.total, offset + hits.length),
      totalExact: count.exact,
      nextCursor: more && hits.length ? next(offset + hits.length) : null,
      ...(coverage ? { embedding: coverage } : {}),
      ...(warnings.length ? { warnings } : {}),
    };
  }

  const depth = offset + limit;
  const semantic = await semanticList(deps, base, vector!, depth + limit);
  if (effective === 'semantic') {
    const page = semantic.hits.slice(offset, depth);
    return {
      mode: 'semantic',
      hits: page.map((h, i) =>
        Object.assign(h, { lists: ['semantic'] as RankedHit['lists'], ranks: { semantic: offset + i + 1 } }),
      ),
      total: semantic.hits.length,
      totalExact: semantic.exhausted,
      nextCursor: depth < semantic.hits.length ? next(depth) : null,
      embedding: coverage!,
    };
  }

  // Hybrid: the keyword list deep enough that every hit of this page has its keyword rank when it has one.
  const keyword = await keywordList(deps.store, base, depth + limit);
  const count = await deps.store.countMatches(base, COUNT_CAP);
  const byId = new Map<string, SearchHit & { distance?: number }>();
  for (const h of semantic.hits) byId.set(h.memoryId, h);
  for (const h of keyword.hits) byId.set(h.memoryId, h); // keyword snippets mark the matched words
  const semanticHit = new Map(semantic.hits.map((h) => [h.memoryId, h]));
  // Equal fused scores (one list each, same rank) go to the nearer meaning, then the better keyword rank.
  const near = (id: string): number => semanticHit.get(id)?.distance ?? Number.POSITIVE_INFINITY;
  const kwRank = (f: { ranks: { keyword?: number } }): number => f.ranks.keyword ?? Number.POSITIVE_INFINITY;
  const fused = fuse({ keyword: keyword.hits.map((h) => h.memoryId), semantic: semantic.hits.map((h) => h.memoryId) })
    .map((f) => ({ ...f, score: f.score * boostFactor(byId.get(f.id)!.importance) }))
    .sort(
      (a, b) =>
        b.score - a.score ||
        near(a.id) - near(b.id) ||
        kwRank(a) - kwRank(b) ||
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
  const page: RankedHit[] = fused.slice(offset, depth).map((f) => {
    const hit = byId.get(f.id)!;
    const distance = semanticHit.get(f.id)?.distance;
    return {
      ...hit,
      score: f.score,
      lists: (['keyword', 'semantic'] as const).filter((l) => f.ranks[l] !== undefined),
      ranks: f.ranks,
      ...(distance !== undefined ? { distance } : {}),
    };
  });
  const keywordComplete = keyword.exhausted && count.exact;
  const exact = keywordComplete && semantic.exhausted;
  const total = Math.max(fused.length, count.total);
  return {
    mode: 'hybrid',
    hits: page,
    total,
    totalExact: exact,
    nextCursor: depth < fused.length || !keywordComplete ? next(depth) : null,
    embedding: coverage!,
  };
}

/** The store query of the filters and text (no vector: fusion happens here). */
function toStoreQuery(query: RankedSearchQuery): SearchQuery {
  const { mode: _m, cursor: _c, limit: _l, offset: _o, ...rest } = query;
  return rest;
}

/** Keyword hits in rank order, at least `want` of them when there are that many. */
async function keywordList(
  store: MemoryStore,
  base: SearchQuery,
  want: number,
): Promise<{ hits: SearchHit[]; exhausted: boolean }> {
  const hits: SearchHit[] = [];
  for (;;) {
    const page = (await store.search({ ...base, limit: STORE_PAGE, offset: hits.length })).hits;
    hits.push(...page);
    if (page.length < STORE_PAGE) return { hits, exhausted: true };
    if (hits.length >= want) return { hits, exhausted: false };
  }
}

/**
 * Memories of the nearest chunks, nearest first, under every filter: vectors are taken k at a time (k growing
 * until `want` memories survive the filters, or the index has no more, or k reaches its maximum).
 */
async function semanticList(
  deps: SearchDeps,
  base: SearchQuery,
  vector: number[],
  want: number,
): Promise<{ hits: Array<SearchHit & { distance: number }>; exhausted: boolean }> {
  const index = deps.store.vectorIndex!;
  const model = deps.embedder!.id;
  const filter = { ownerId: base.ownerId, ...(base.sourceIds?.length ? { sourceIds: base.sourceIds } : {}) };
  const maxDistance = 1 - (deps.minSimilarity ?? MIN_SIMILARITY);
  let k = Math.min(MAX_VECTOR_K, Math.max(50, want * 2));
  for (;;) {
    const all = await index.search(model, { vector, k, filter });
    const matches = all.filter((m) => m.distance <= maxDistance);
    const hits = await deps.store.embeddingQueue.hitsFor(matches, base);
    // Nearest first: once one neighbour is beyond the floor, no further one is within it.
    const exhausted = all.length < k || matches.length < all.length;
    if (hits.length >= want || exhausted || k === MAX_VECTOR_K) return { hits, exhausted };
    k = Math.min(MAX_VECTOR_K, k * 4);
  }
}
