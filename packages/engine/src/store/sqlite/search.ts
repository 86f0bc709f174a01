import type Database from 'better-sqlite3';
import { TributaryError } from '@tributary/sdk/errors';
import { assertFtsQueryHasTerms, toFtsQuery } from '../fts-query.js';
import type { SearchFilters, SearchHit, SearchQuery, TimelineEntry, TimelineQuery } from '../types.js';
import { json, toTimelineEntry } from '../rows.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { boostFactor, BOOST_SQL } from '../ranking.js';
import { decodeSpan } from './content-codec.js';
import { snippet, snippetTerms, type SnippetTerm } from './snippet.js';
import { HIT_COLUMNS, PAGE_COLUMNS } from './hit-row.js';
import { nativeRankingLoaded, rankSql } from './native-ranking.js';
import { createDirectSearch } from './search-direct.js';
import { createOwnerScope } from './owner-scope.js';

/**
 * The candidates' ranking columns of a memory, read without its row: a memory's content lies before `deleted_at` and
 * `importance` in the row (columns added later go last), so reading those two from a long text's row walks the chain
 * of its overflow pages first. Mail and documents: the 30 candidates of "sparse" on 20,000 patch mails cost 31–47 ms
 * in a new process through the rows, 18–26 ms through this index (issue 13, the Maildir CLI search). Named with
 * INDEXED BY: SQLite's planner prefers the rowid lookup, not knowing how long the rows are.
 */
export const RANK_INDEX = 'memories_rank';
export const RANK_INDEX_MIGRATION = `CREATE INDEX IF NOT EXISTS ${RANK_INDEX} ON memories (id, deleted_at, importance);`;

export const SNIPPET_OPEN = '<mark>';
export const SNIPPET_CLOSE = '</mark>';

/** SQL and parameters for the shared filters (memory alias `m`, source alias `s`). */
export function filterSql(f: SearchFilters): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  const inList = (column: string, values: string[] | undefined): void => {
    if (!values?.length) return;
    parts.push(`${column} IN (SELECT value FROM json_each(?))`);
    params.push(JSON.stringify(values));
  };
  if (f.ownerId) {
    parts.push('s.owner_id = ?');
    params.push(f.ownerId);
  }
  inList('m.source_id', f.sourceIds);
  inList('s.source_type', f.connectors);
  inList('m.stream', f.streams);
  inList('m.author', f.authors);
  inList('m.container', f.containers);
  inList('m.thread', f.threads);
  if (f.tags?.length) {
    parts.push(`EXISTS (SELECT 1 FROM json_each(m.tags) t WHERE t.value IN (SELECT value FROM json_each(?)))`);
    params.push(JSON.stringify(f.tags.map((t) => t.toLowerCase())));
  }
  if (f.since) {
    parts.push('m.occurred_at >= ?');
    params.push(f.since);
  }
  if (f.until) {
    parts.push('m.occurred_at <= ?');
    params.push(f.until);
  }
  if (f.minImportance !== undefined) {
    parts.push('m.importance >= ?');
    params.push(f.minImportance);
  }
  inList('m.domain', f.domains);
  return { sql: parts.length ? ` AND ${parts.join(' AND ')}` : '', params };
}

/**
 * The sources table only when a filter reads it (owner, connector): every memory has its source (foreign key), and
 * the lookup per match was a fifth of a count's cost (issue 13, 1M Zipf items).
 */
export const sourceJoin = (filterSql: string): string =>
  /\bs\./.test(filterSql) ? ' JOIN data_sources s ON s.id = m.source_id' : '';

/**
 * Ranking is bm25 over the newest COMMON_MATCHES matching chunks (chunk ids grow with ingestion): the index is walked
 * backwards from the newest match and stops there. A query with fewer matches is ranked over all of them, exactly as
 * plain bm25; a very common one (a word in 90% of a million chunks costs about a second of bm25 over every match,
 * and hardly discriminates anyway) gets the best of its recent matches at a bounded cost whatever the store's size.
 */
export const COMMON_MATCHES = 10_000;

/**
 * The newest matches a query of `phrases` phrases is ranked over: COMMON_MATCHES / phrases². Both parts of bm25's
 * cost grow with the phrases: a fixed one (before scoring a row, FTS5 counts every row holding each phrase, for its
 * IDF) and one per match. Two words of ranks 5–80 at 1M Zipf items: the count alone took up to 8–10 ms of CPU (p95),
 * 5,000 matches another 6, 2,500 matches 3 (10,000 / n, the rule before, put the pair over 15 ms). So a query of two
 * words or phrases is ranked over its newest 2,500 matches, of three over 1,111.
 */
export const matchCap = (phrases: number): number => Math.floor(COMMON_MATCHES / Math.max(1, phrases) ** 2);

/**
 * How many best chunks (by bm25) the fast path ranks for a page ending at `want`: the importance boost (at most 1.5×)
 * reorders these only. The first budget fills a page when each memory's matches are few (chat, short notes): 30
 * chunks for a page of 10, not 80 — reading the candidates' memory rows cost a rare word as much as its bm25 (issue
 * 13, 1M Zipf items). Memories of many matching chunks (mail, documents) or a filter leaving few candidates take the
 * larger one, and then every match (the slow path).
 */
export const candidateBudgets = (want: number): number[] => [want * 2 + 10, want * 8 + 40];

/**
 * Unfiltered queries of at most this many matches in a store of one chunk per memory take the direct path
 * (search-direct.ts): counting them first costs a walk of the index up to one more than this.
 */
export const DIRECT_MATCHES = 1000;

function clampLimit(limit: number | undefined, max = 200): number {
  return Math.max(1, Math.min(max, Math.floor(limit ?? 20)));
}

/**
 * The newest `cap` matches with their score `rank` (-1: every match); SQLite walks the index newest-first. The score
 * is tribm25() when built (native-ranking.ts): a common phrase's IDF without counting all its rows.
 */
const candidatesOfIndex = (rank: string): string =>
  `SELECT rowid AS chunk_id, ${rank} AS score FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY rowid DESC LIMIT CAST(? AS INTEGER)`;

/**
 * The fast path's statement under a filter: the best chunks with the ranking columns of their memories (id,
 * importance) and whether the memory is visible under the filters, in the same statement as bm25; only the page's
 * hits then load their full rows (materializing every candidate's row cost a rare word three times its raw bm25,
 * issue 13). Hidden candidates stay in the answer so that a short one says "every match is here". Ties are broken by
 * chunk id, as the page's sort does: pages of one query then never overlap. Unfiltered, the memories' columns come
 * from RANK_INDEX; a filter reads other columns, so the row, as before. Parameters: the filter's, the match, the cap,
 * the budget.
 */
export function candidatesSql(rank: string, filterSql: string): string {
  const top = `SELECT chunk_id, score FROM (${candidatesOfIndex(rank)}) ORDER BY score, chunk_id LIMIT CAST(? AS INTEGER)`;
  return `SELECT t.chunk_id AS chunk_id, t.score AS score, m.id AS id, m.importance AS importance,
           (m.deleted_at IS NULL${filterSql}) AS visible
         FROM (${top}) t JOIN chunks c ON c.id = t.chunk_id
           JOIN memories m${filterSql ? '' : ` INDEXED BY ${RANK_INDEX}`} ON m.id = c.memory_id${sourceJoin(filterSql)}`;
}

export function createSearch(db: Database.Database) {
  // The index is contentless (content-once.ts): a hit's snippet is cut from its chunk's span of the memory's text.
  const chunkSpan = db.prepare(`SELECT at, len, own_text FROM chunks WHERE id = CAST(? AS INTEGER)`);

  // Run when no candidate came back: the candidates' join can end before FTS5 parses the expression (an empty store
  // answered "* word" with no hits), and a bad expression must still be invalid_query. No match costs nothing here.
  const checkMatch = db.prepare(`SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH ?`).pluck();

  const CANDIDATES = candidatesOfIndex(rankSql(db));
  // One statement per filter shape (which filters are set, not their values: a bounded set), prepared once: preparing
  // costs as much as running it for a rare word.
  const candidateStatements = new Map<string, Database.Statement>();
  const candidates = (filterSql: string): Database.Statement => {
    let stmt = candidateStatements.get(filterSql);
    if (!stmt) {
      stmt = db.prepare(candidatesSql(rankSql(db), filterSql));
      candidateStatements.set(filterSql, stmt);
    }
    return stmt;
  };
  // The slow path's statement per filter shape, prepared once like the candidates'.
  const slowStatements = new Map<string, Database.Statement>();
  const slowStatement = (filterSql: string): Database.Statement => {
    let stmt = slowStatements.get(filterSql);
    if (!stmt) {
      stmt = db.prepare(
        `WITH ranked AS MATERIALIZED (${CANDIDATES}),
        best AS (
          SELECT c.memory_id AS memory_id, ranked.chunk_id AS chunk_id, MIN(ranked.score) AS score
          FROM ranked JOIN chunks c ON c.id = ranked.chunk_id GROUP BY c.memory_id
        )
        SELECT ${HIT_COLUMNS}, s.name AS source_name, s.source_type AS connector, best.chunk_id, best.score * ${BOOST_SQL} AS score
        FROM best JOIN memories m ON m.id = best.memory_id JOIN data_sources s ON s.id = m.source_id
        WHERE m.deleted_at IS NULL${filterSql}
        ORDER BY best.score * ${BOOST_SQL}, m.id
        LIMIT CAST(? AS INTEGER) OFFSET CAST(? AS INTEGER)`,
      );
      slowStatements.set(filterSql, stmt);
    }
    return stmt;
  };
  // The page's rows by their best chunks, with each chunk's span: one statement, not one more per hit for its snippet.
  const fullRows = db.prepare(
    `SELECT ${PAGE_COLUMNS}
     FROM chunks c JOIN memories m ON m.id = c.memory_id JOIN data_sources s ON s.id = m.source_id
     WHERE c.id IN (SELECT value FROM json_each(?))`,
  );
  const direct = createDirectSearch(db, nativeRankingLoaded(db));
  /** The page's memories in rank order, each with its best chunk (and its span) and score. */
  const pageRows = (page: Array<{ id: number; chunk_id: number; score: number }>): any[] => {
    const byChunk = new Map<number, any>();
    for (const row of fullRows.all(JSON.stringify(page.map((p) => p.chunk_id))) as any[])
      byChunk.set(row.span_chunk, row);
    // Each row is this statement's own object, and each chunk is in the page once: completed in place, not copied.
    return page.map((p) => Object.assign(byChunk.get(p.chunk_id) ?? {}, { chunk_id: p.chunk_id, score: p.score }));
  };

  const spanOf = (row: any): { at: number; len: number; own_text: string | null } | undefined =>
    row.span_chunk !== undefined
      ? { at: row.span_at, len: row.span_len, own_text: row.span_own }
      : (chunkSpan.get(row.chunk_id) as { at: number; len: number; own_text: string | null } | undefined);

  const toHit = (row: any, terms: SnippetTerm[]): SearchHit => {
    const span = spanOf(row);
    // Only the chunk's span is inflated: the other blocks of a long text stay compressed (content-codec.ts).
    const text = span ? (span.own_text ?? decodeSpan(row.content, span.at, span.len)) : undefined;
    const snip =
      text !== undefined ? snippet(text, terms, SNIPPET_OPEN, SNIPPET_CLOSE, '…', 24) : decodeSpan(row.content, 0, 200);
    return {
      memoryId: String(row.id),
      sourceId: row.source_id,
      sourceName: row.source_name,
      connector: row.connector,
      externalId: row.external_id,
      stream: row.stream,
      title: row.title ?? null,
      snippet: snip,
      url: row.url ?? null,
      author: row.author ?? null,
      container: row.container ?? null,
      thread: row.thread ?? null,
      occurredAt: row.occurred_at ?? null,
      tags: json(row.tags, []),
      importance: row.importance ?? null,
      domain: row.domain ?? null,
      score: -row.score,
    };
  };

  /** What a search query asks, parsed once for both the single statement and the transaction's paths. */
  const parse = (query: SearchQuery) => {
    if (query.syntax === 'fts') assertFtsQueryHasTerms(query.text);
    const match = query.syntax === 'fts' ? query.text : toFtsQuery(query.text);
    const terms = snippetTerms(match);
    const limit = clampLimit(query.limit);
    const offset = Math.max(0, Math.floor(query.offset ?? 0));
    const cap = matchCap(terms.length);
    return { match, terms, limit, offset, cap, budgets: candidateBudgets(offset + limit) };
  };
  type Parsed = ReturnType<typeof parse>;
  // No match answers as the general path does (no total: an empty first page says it).
  const directHits = (answer: { rows: any[]; total: number }, terms: SnippetTerm[]) =>
    answer.total ? { hits: answer.rows.map((r) => toHit(r, terms)), total: answer.total } : { hits: [] };

  function searchIn(query: SearchQuery, p: Parsed, tryDirect: boolean): { hits: SearchHit[]; total?: number } {
    const { match, terms, limit, offset, cap, budgets } = p;
    const f = filterSql(query);
    try {
      // Fast path: the best chunks straight from the index (what a raw bm25 query costs) with their memories'
      // ranking columns; each visible memory keeps its best chunk. Enough when the candidates hold a full page of
      // distinct, visible memories, or every match.
      const want = offset + limit;
      if (!f.sql && tryDirect) {
        const answer = direct.inSnapshot(match, Math.min(cap, DIRECT_MATCHES), budgets[0]!, limit, offset);
        if (answer) return directHits(answer, terms);
      }
      for (const budget of budgets) {
        // The filter's parameters come first: the visibility test precedes the candidates' subquery in the statement.
        const rows = candidates(f.sql).all(...f.params, match, cap, budget) as any[];
        if (!rows.length) {
          checkMatch.get(match);
          return { hits: [] };
        }
        const best = new Map<number, any>();
        for (const row of rows) {
          if (!row.visible) continue;
          // bm25 is negative (lower is better): the boost makes important memories more negative.
          row.score = row.score * boostFactor(row.importance);
          const seen = best.get(row.id);
          if (!seen || row.score < seen.score || (row.score === seen.score && row.chunk_id < seen.chunk_id))
            best.set(row.id, row);
        }
        // Fewer candidates than asked for: these are every match, and their visible memories the total.
        const everyMatch = rows.length < budget;
        if (best.size >= want || everyMatch) {
          const ordered = [...best.values()].sort((a, b) => a.score - b.score || a.id - b.id);
          const hits = pageRows(ordered.slice(offset, want)).map((r) => toHit(r, terms));
          return everyMatch ? { hits, total: best.size } : { hits };
        }
      }
      // Slow path (selective filters, or many chunks per memory): rank every match (of the newest candidates of a
      // very common query, then of all when those do not fill the page), best chunk per memory.
      const slow = slowStatement(f.sql);
      let rows = slow.all(match, cap, ...f.params, limit, offset) as any[];
      if (rows.length < limit) rows = slow.all(match, -1, ...f.params, limit, offset) as any[];
      return { hits: rows.map((r) => toHit(r, terms)) };
    } catch (err) {
      throw asQueryError(err, query.text);
    }
  }

  function timeline(query: TimelineQuery): { entries: TimelineEntry[]; nextCursor: string | null } {
    const limit = clampLimit(query.limit, 1000);
    const desc = (query.order ?? 'desc') === 'desc';
    const f = filterSql(query);
    const params: unknown[] = [...f.params];
    let cursorSql = '';
    if (query.cursor) {
      const [time, id] = decodeCursor(query.cursor);
      cursorSql = desc
        ? ` AND (coalesce(m.occurred_at, m.ingested_at) < ? OR (coalesce(m.occurred_at, m.ingested_at) = ? AND m.id < ?))`
        : ` AND (coalesce(m.occurred_at, m.ingested_at) > ? OR (coalesce(m.occurred_at, m.ingested_at) = ? AND m.id > ?))`;
      params.push(time, time, id);
    }
    const dir = desc ? 'DESC' : 'ASC';
    const rows = db
      .prepare(
        `SELECT m.id, m.source_id, m.external_id, m.stream, m.title,
           CASE WHEN typeof(m.content) = 'text' THEN substr(m.content, 1, 300) ELSE m.content END AS preview, m.content_type, m.url, m.author,
           m.container, m.thread, m.occurred_at, m.ingested_at, m.updated_at, m.content_hash, m.version, m.deleted_at, m.tags, m.metadata,
           m.importance, m.domain, s.name AS source_name, coalesce(m.occurred_at, m.ingested_at) AS t
         FROM memories m JOIN data_sources s ON s.id = m.source_id
         WHERE m.deleted_at IS NULL${f.sql}${cursorSql}
         ORDER BY t ${dir}, m.id ${dir} LIMIT CAST(? AS INTEGER)`,
      )
      .all(...params, limit + 1) as any[];
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      // A compressed content comes whole (SQL cannot inflate it) and is cut here as substr cut the plain one.
      entries: page.map((r) => toTimelineEntry({ ...r, preview: decodeSpan(r.preview, 0, 300) })),
      nextCursor: rows.length > limit && last ? encodeCursor(last.t, Number(last.id)) : null,
    };
  }

  const scope = createOwnerScope(db);
  // One read transaction: the owner test and the statements of the search see the same snapshot (owner-scope.ts).
  const inSnapshot = db.transaction((query: SearchQuery, p: Parsed, tryDirect: boolean) =>
    searchIn(scope(query), p, tryDirect),
  );
  const search = (query: SearchQuery): { hits: SearchHit[]; total?: number } => {
    const p = parse(query);
    let tryDirect = true;
    // One phrase, no filter but the owner, in a store of one chunk per memory: one statement (search-direct.ts).
    if (p.terms.length === 1 && direct.aloneLikely && !filterSql({ ...query, ownerId: undefined }).sql) {
      let answer;
      try {
        answer = direct.alone(
          p.match,
          query.ownerId,
          Math.min(p.cap, DIRECT_MATCHES),
          p.budgets[0]!,
          p.limit,
          p.offset,
        );
      } catch (err) {
        throw asQueryError(err, query.text);
      }
      if (answer === 'over') tryDirect = false;
      else if (answer) return directHits(answer, p.terms);
    }
    return inSnapshot(query, p, tryDirect);
  };
  return { search, timeline };
}

function asQueryError(err: unknown, text: string): Error {
  const message = err instanceof Error ? err.message : String(err);
  if (/fts5|syntax error|no such column|unterminated|malformed MATCH|unknown special query/i.test(message)) {
    return new TributaryError(
      'invalid_query',
      `The search query "${text}" is not valid full-text syntax (${message}). Quote special characters or use the simple syntax.`,
      {
        cause: err,
        issues: [{ path: 'query', message }],
      },
    );
  }
  return err instanceof Error ? err : new Error(message);
}
