/**
 * Importance as a ranking boost: a hit's relevance is multiplied by `1 + IMPORTANCE_BOOST × importance`, so an
 * item of importance 1 ranks as if it were 1.5× as relevant; unscored memories (importance NULL) count as 0. Text
 * relevance still dominates: the boost reorders close matches, it does not lift a weak match above a strong one.
 */
export const IMPORTANCE_BOOST = 0.5;

export const boostFactor = (importance: number | null | undefined): number =>
  1 + IMPORTANCE_BOOST * (typeof importance === 'number' ? importance : 0);

/** The same factor in SQL (memory alias `m`). */
export const BOOST_SQL = `(1 + ${IMPORTANCE_BOOST} * coalesce(m.importance, 0))`;
