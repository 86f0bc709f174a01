import type Database from 'better-sqlite3';
import { BOOST_SQL, IMPORTANCE_BOOST } from '../ranking.js';
import { HAS_SIBLINGS_SQL, INDEX_MATCHES_SQL } from './chunk-siblings.js';
import { hitRowOf, PAGE_COLUMNS } from './hit-row.js';
import { overflowMemo } from './search-overflow.js';

/**
 * The answer of an unfiltered keyword query in a store whose memories have one chunk each (no `chunk_siblings` row:
 * chat, short notes), when the query has at most `upTo` matches (and at most its match cap, search.ts): the index's
 * match count and the page itself, instead of the candidates, the page's rows and the engine's count. Every match
 * is then ranked, as the fast path of search.ts ranks it: the best `budget` chunks by bm25 (ties by chunk id), each
 * its own memory, × the importance boost, by score then memory id. The count is the exact total (one memory per
 * indexed chunk, each live: search-count.ts). The three statements of the general path, the candidates' memory
 * ids, the page's rows by a second lookup and a second count took 0.3 ms of CPU more than raw bm25 on the smallest
 * rare words at 1M Zipf items.
 *
 * A query of one phrase, with the ranking extension loaded (native-ranking.ts), takes a single statement
 * ({@link DirectSearch.alone}): tribm25()'s one-phrase form counts the phrase's rows for its IDF, exactly as bm25()
 * does, and that count is the query's total, so the index is walked once instead of twice (a phrase in more than
 * `upTo` rows fails the statement after counting `upTo` + 1, what the count statement costs). The statement also
 * checks what the direct path assumes — no sibling chunk, no source of another owner — so it needs no transaction
 * around it: one statement reads one snapshot. Rare words at 1M Zipf items: the owner, sibling and importance-range
 * statements, the transaction's BEGIN and COMMIT and the count were ~0.1 ms of a 0.5 ms search.
 *
 * Of the candidates only the ones the boost could lift into the page are looked up (their memory, chunk and source
 * rows were most of the statement's cost beyond bm25): with boost factors between those of the store's lowest and
 * highest importance (importance-bounds.ts), a chunk whose bm25 × the highest factor is still worse than the page's
 * last chunk by bm25 × the lowest factor has at least a page of memories ahead of it whatever the boosts. The page
 * is the same; a store whose importances all lie close (1M Zipf items: 0.148–0.161) looks up ~12 of 30.
 *
 * `undefined`: not this case (a sibling exists, another owner's source, more matches than `upTo`); the caller takes
 * its general path.
 */
export interface DirectSearch {
  /** The counted form, inside the caller's read transaction (search.ts). */
  inSnapshot(match: string, upTo: number, budget: number, limit: number, offset: number): DirectAnswer | undefined;
  /**
   * The single statement, outside any transaction, for a one-phrase query searched on behalf of `ownerId` (or
   * unscoped). `'over'`: more than `upTo` matches, the count is remembered and the direct path need not be tried
   * again for this query.
   */
  alone(
    match: string,
    ownerId: string | undefined,
    upTo: number,
    budget: number,
    limit: number,
    offset: number,
  ): DirectAnswer | 'over' | undefined;
  /** Whether {@link alone} is worth trying: the ranking extension is loaded and the store looked like its case. */
  readonly aloneLikely: boolean;
}

export interface DirectAnswer {
  rows: any[];
  total: number;
}

/** Highest over lowest boost factor of the store's importance range, a hair wider (a rounding error may keep a
 * candidate, never drop one); 1e300 (no pruning) for an empty range. Infinity × a score of 0 would be NaN. */
const SPREAD_SQL = `coalesce((SELECT CASE WHEN hi >= lo AND 1 + ${IMPORTANCE_BOOST} * lo > 0
  THEN (1 + ${IMPORTANCE_BOOST} * hi) / (1 + ${IMPORTANCE_BOOST} * lo) * (1 + 1e-9) END FROM importance_bounds), 1e300)`;

/**
 * The page over the best `budget` chunks scored by `rank`, the total and `extra` in its last columns. bm25 is
 * negative, better when lower: a candidate stays when score × the spread ≤ the page's last score (0 when fewer
 * candidates than the page: every one stays).
 */
const pageSql = (rank: string, total: string, extra: string): string =>
  `WITH t AS MATERIALIZED (
     SELECT rowid AS chunk_id, ${rank} AS score, ${total} AS total FROM chunks_fts WHERE chunks_fts MATCH @match
     ORDER BY score, rowid LIMIT CAST(@budget AS INTEGER))
   SELECT ${PAGE_COLUMNS}, t.score * ${BOOST_SQL} AS score, t.total, ${extra}
   FROM t JOIN chunks c ON c.id = t.chunk_id JOIN memories m ON m.id = c.memory_id JOIN data_sources s ON s.id = m.source_id
   WHERE t.score * ${SPREAD_SQL} <= coalesce((SELECT score FROM t ORDER BY score, chunk_id LIMIT 1 OFFSET CAST(@last AS INTEGER)), 0)
     AND m.deleted_at IS NULL
   ORDER BY t.score * ${BOOST_SQL}, m.id LIMIT CAST(@limit AS INTEGER) OFFSET CAST(@offset AS INTEGER)`;

/** tribm25()'s answers when the one-phrase form does not apply (native/tribm25.c). */
const OVER_CAP = /^tribm25: more than/;
const NOT_ONE_PHRASE = /^tribm25: not one phrase/;
/** The total's and the assumption check's columns in a raw row: after the page's columns and the score (hit-row.ts). */
const TOTAL = 22;
const GENERAL = 23;

export function createDirectSearch(db: Database.Database, nativeRanking: boolean): DirectSearch {
  const memo = overflowMemo(db);
  const hasSiblings = db.prepare(HAS_SIBLINGS_SQL).pluck();
  const count = db.prepare(INDEX_MATCHES_SQL).pluck();
  const countedPage = db.prepare(pageSql(`bm25(chunks_fts, 2.0, 1.0)`, 'NULL', '0')).raw();
  const onePhrase = `tribm25(chunks_fts, 'one', @cap, 2.0, 1.0)`;
  const phraseRows = `tribm25(chunks_fts, 'rows', @cap)`;
  const aloneStatement = nativeRanking
    ? db
        .prepare(
          pageSql(
            onePhrase,
            phraseRows,
            `(${HAS_SIBLINGS_SQL}) OR EXISTS (SELECT 1 FROM data_sources WHERE owner_id <> @owner)`,
          ),
        )
        .raw()
    : undefined;
  // Whether the last search of this store was the direct case: a store of many-chunk memories (mail, documents) or
  // of several owners is not, and would pay for a statement it throws away on every search. A new process (a CLI
  // search) starts from what the store holds now.
  let likely = !hasSiblings.get();

  // Short of the page (a candidate invisible after all): the general path decides.
  const answer = (rows: unknown[][], total: number, limit: number, offset: number) =>
    rows.length === Math.min(limit, total - offset) ? { rows: rows.map(hitRowOf), total } : undefined;
  const pageParams = (match: string, budget: number, limit: number, offset: number) => ({
    match,
    budget,
    last: offset + limit - 1,
    limit,
    offset,
  });

  return {
    get aloneLikely() {
      return aloneStatement !== undefined && likely;
    },
    alone(match, ownerId, upTo, budget, limit, offset) {
      let rows: unknown[][];
      try {
        rows = aloneStatement!.all({
          ...pageParams(match, budget, limit, offset),
          cap: upTo,
          owner: ownerId ?? null,
        }) as unknown[][];
      } catch (err) {
        const message = (err as Error).message;
        if (OVER_CAP.test(message)) {
          memo.remember(match, upTo); // the engine's count of this query can say "more than upTo" without a walk
          return 'over';
        }
        if (NOT_ONE_PHRASE.test(message)) return undefined;
        throw err;
      }
      // No row: no match, or a page past the last; the general path tells which.
      if (!rows.length) return undefined;
      if (rows[0]![GENERAL]) {
        likely = false;
        return undefined;
      }
      return answer(rows, rows[0]![TOTAL] as number, limit, offset);
    },
    // No transaction of its own: search.ts runs it inside the search's read transaction.
    inSnapshot(match, upTo, budget, limit, offset) {
      if (hasSiblings.get()) return undefined;
      const total = count.get(match, upTo + 1) as number;
      if (total > upTo) {
        memo.remember(match, upTo);
        return undefined;
      }
      // The owner filter was dropped (owner-scope.ts) and no sibling exists: the single statement applies again.
      likely = true;
      if (total <= offset) return { rows: [], total };
      return answer(countedPage.all(pageParams(match, budget, limit, offset)) as unknown[][], total, limit, offset);
    },
  };
}
