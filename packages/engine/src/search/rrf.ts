/**
 * Reciprocal rank fusion (Cormack, Clarke & Büttcher, SIGIR 2009): a document's fused score is
 * Σ weight_list / (k + rank_list) over the lists it appears in (ranks from 1). `k` damps the head of each list so
 * that agreement between lists beats a single first place; 60 is the paper's value and what Elasticsearch,
 * OpenSearch and pgvector's examples use.
 *
 * Weights: the semantic list counts 1.25× the keyword list. Only chunks above the similarity floor are in it
 * (ranked-search.ts), so a place there means "close in meaning"; with equal weights a meaning-only first place and
 * a words-only first place tie exactly and the importance boost's small differences would decide. Agreement still
 * wins: a document in both lists outranks either single first place.
 */
export const RRF_K = 60;
export const RRF_WEIGHTS = { keyword: 1, semantic: 1.25 } as const;

export type ListName = keyof typeof RRF_WEIGHTS;

export interface Fused {
  id: string;
  score: number;
  ranks: Partial<Record<ListName, number>>;
}

/**
 * Fuses ranked id lists (best first; an id appearing twice in a list counts at its first rank). Ties break by
 * the better keyword rank, then the better semantic rank, then id, so pages of one query never overlap.
 */
export function fuse(
  lists: Partial<Record<ListName, string[]>>,
  options: { k?: number; weights?: Partial<Record<ListName, number>> } = {},
): Fused[] {
  const k = options.k ?? RRF_K;
  const byId = new Map<string, Fused>();
  for (const name of Object.keys(lists) as ListName[]) {
    const weight = options.weights?.[name] ?? RRF_WEIGHTS[name];
    lists[name]!.forEach((id, i) => {
      let f = byId.get(id);
      if (!f) byId.set(id, (f = { id, score: 0, ranks: {} }));
      if (f.ranks[name] !== undefined) return;
      f.ranks[name] = i + 1;
      f.score += weight / (k + i + 1);
    });
  }
  const rank = (f: Fused, name: ListName): number => f.ranks[name] ?? Number.POSITIVE_INFINITY;
  return [...byId.values()].sort(
    (a, b) =>
      b.score - a.score ||
      rank(a, 'keyword') - rank(b, 'keyword') ||
      rank(a, 'semantic') - rank(b, 'semantic') ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}
