import type pg from 'pg';
import { TributaryError } from '@tributary/sdk';
import { assertFtsQueryHasTerms, toTsQuery } from '../fts-query.js';
import type { SearchFilters, SearchHit, SearchQuery, TimelineEntry, TimelineQuery } from '../types.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { json, toTimelineEntry } from '../rows.js';
import { BOOST_SQL } from '../ranking.js';

/** The shared filters as SQL (aliases `m`, `s`), numbering parameters after `params`. */
export function filterSql(f: SearchFilters, params: unknown[]): string {
  const parts: string[] = [];
  const p = (v: unknown): string => `$${params.push(v)}`;
  if (f.ownerId) parts.push(`s.owner_id = ${p(f.ownerId)}`);
  if (f.sourceIds?.length) parts.push(`m.source_id = ANY(${p(f.sourceIds)}::text[])`);
  if (f.connectors?.length) parts.push(`s.source_type = ANY(${p(f.connectors)}::text[])`);
  if (f.streams?.length) parts.push(`m.stream = ANY(${p(f.streams)}::text[])`);
  if (f.authors?.length) parts.push(`m.author = ANY(${p(f.authors)}::text[])`);
  if (f.containers?.length) parts.push(`m.container = ANY(${p(f.containers)}::text[])`);
  if (f.threads?.length) parts.push(`m.thread = ANY(${p(f.threads)}::text[])`);
  if (f.tags?.length) parts.push(`m.tags ?| ${p(f.tags.map((t) => t.toLowerCase()))}::text[]`);
  if (f.since) parts.push(`m.occurred_at >= ${p(f.since)}`);
  if (f.until) parts.push(`m.occurred_at <= ${p(f.until)}`);
  if (f.minImportance !== undefined) parts.push(`m.importance >= ${p(f.minImportance)}`);
  if (f.domains?.length) parts.push(`m.domain = ANY(${p(f.domains)}::text[])`);
  return parts.length ? ` AND ${parts.join(' AND ')}` : '';
}

export const clamp = (limit: number | undefined, max: number): number =>
  Math.max(1, Math.min(max, Math.floor(limit ?? 20)));

export const HEADLINE = `StartSel=<mark>, StopSel=</mark>, MaxWords=35, MinWords=12, MaxFragments=1, FragmentDelimiter=…`;

export function toHit(row: any): SearchHit {
  return {
    memoryId: String(row.id),
    sourceId: row.source_id,
    sourceName: row.source_name,
    connector: row.connector,
    externalId: row.external_id,
    stream: row.stream,
    title: row.title ?? null,
    snippet: row.snip ?? String(row.content).slice(0, 200),
    url: row.url ?? null,
    author: row.author ?? null,
    container: row.container ?? null,
    thread: row.thread ?? null,
    occurredAt: row.occurred_at ?? null,
    tags: json(row.tags, []),
    importance: row.importance === null || row.importance === undefined ? null : Number(row.importance),
    domain: row.domain ?? null,
    score: Number(row.score),
  };
}

/**
 * Very common queries (docs/search.md): a query the planner expects in at least COMMON_SHARE of all chunks (and in
 * more than COMMON_MATCHES) is ranked (`ts_rank_cd`) over its newest COMMON_MATCHES matches among the newest
 * COMMON_WINDOW chunks (chunk ids grow with ingestion), found by walking the primary key backwards: bounded time
 * whatever the store's size, where ranking every match of a word found in most chunks takes seconds and discriminates
 * little. Every other query — rare, mid-frequency and multi-word ones in practice — is ranked over all its matches.
 * SQLite does the same with its own bound (sqlite/search.ts). The expectation comes from the column's statistics
 * (ANALYZE; flushIndex runs it after a bulk backfill); without them every query is ranked over all its matches.
 */
export const COMMON_MATCHES = 2_000;
export const COMMON_SHARE = 0.05;
export const COMMON_WINDOW = 20_000;

/** SQLSTATEs that the user's own `fts` query text causes: answered as `invalid_query`, never a 500. */
const PG_QUERY_ERRORS = new Set(['42601', '22023', '22021', '22P05', '54000']);

/** Full-text ranking on PostgreSQL; semantic and hybrid search go through the vector index (vectors.ts). */
export function createPgSearch(pool: pg.Pool) {
  // Chunks in the table as of the last ANALYZE, refreshed at most once a minute (a catalog read).
  let rowsAt = { n: 0, at: -Infinity };
  async function veryCommon(tsquery: string): Promise<boolean> {
    if (Date.now() - rowsAt.at > 60_000) {
      const r = await pool.query(`SELECT reltuples FROM pg_class WHERE oid = 'chunks'::regclass`);
      rowsAt = { n: Number(r.rows[0]?.reltuples ?? 0), at: Date.now() };
    }
    if (rowsAt.n < COMMON_MATCHES / COMMON_SHARE) return false; // never analyzed (-1), or small: rank every match
    // The planner's estimate from the column's most common words; a query that fails here fails below too.
    const plan = await pool
      .query(`EXPLAIN (FORMAT JSON) SELECT 1 FROM chunks WHERE tsv @@ to_tsquery('simple', $1)`, [tsquery])
      .catch(() => null);
    const expected = Number(plan?.rows[0]?.['QUERY PLAN']?.[0]?.Plan?.['Plan Rows'] ?? 0);
    return expected > COMMON_MATCHES && expected >= COMMON_SHARE * rowsAt.n;
  }

  async function search(query: SearchQuery): Promise<{ hits: SearchHit[] }> {
    if (query.syntax === 'fts' && (query.text.split('"').length - 1) % 2 === 1) {
      throw new TributaryError('invalid_query', `The search query "${query.text}" has an unbalanced double quote.`, {
        issues: [{ path: 'query', message: 'unbalanced quote' }],
      });
    }
    if (query.syntax === 'fts') assertFtsQueryHasTerms(query.text);
    const tsquery = query.syntax === 'fts' ? query.text : toTsQuery(query.text);
    const limit = clamp(query.limit, 200);
    const offset = Math.max(0, Math.floor(query.offset ?? 0));
    const params: unknown[] = [tsquery];
    const where = filterSql(query, params);
    const tsq = `to_tsquery('simple', $1)`;
    // The candidate chunks: every match (GIN), or for a very common query its newest matches in the newest chunks.
    const every = `SELECT c.id, c.memory_id, c.text, c.tsv FROM chunks c WHERE c.tsv @@ ${tsq}`;
    const newest = `SELECT w.id, w.memory_id, w.text, w.tsv FROM (
        SELECT id, memory_id, text, tsv FROM chunks ORDER BY id DESC LIMIT ${COMMON_WINDOW}
      ) w WHERE w.tsv @@ ${tsq} ORDER BY w.id DESC LIMIT ${COMMON_MATCHES}`;
    const limitAt = params.push(limit);
    const offsetAt = params.push(offset);
    // Rank the candidates, keep each memory's best, page, then headline only the page.
    const sql = (cand: string) => `
      WITH cand AS MATERIALIZED (${cand}),
      best AS (
        SELECT DISTINCT ON (cand.memory_id) cand.memory_id, cand.id AS chunk_id, cand.text, ts_rank_cd(cand.tsv, ${tsq}) AS score
        FROM cand ORDER BY cand.memory_id, ts_rank_cd(cand.tsv, ${tsq}) DESC, cand.id
      ),
      page AS (
        SELECT m.*, s.name AS source_name, s.source_type AS connector, best.score * ${BOOST_SQL} AS score,
          best.text AS chunk_text
        FROM best JOIN memories m ON m.id = best.memory_id JOIN data_sources s ON s.id = m.source_id
        WHERE m.deleted_at IS NULL${where}
        ORDER BY best.score * ${BOOST_SQL} DESC, m.id
        LIMIT $${limitAt} OFFSET $${offsetAt}
      )
      SELECT page.*, ts_headline('simple', page.chunk_text, ${tsq}, '${HEADLINE}') AS snip
      FROM page ORDER BY page.score DESC, page.id`;
    try {
      if (await veryCommon(tsquery)) {
        const rows = (await pool.query(sql(newest), params)).rows;
        // Enough for the page; else filters (or an offset) left the newest candidates short: rank every match.
        if (rows.length === limit) return { hits: rows.map(toHit) };
      }
      return { hits: (await pool.query(sql(every), params)).rows.map(toHit) };
    } catch (err) {
      const e = err as { code?: string; message?: string };
      // 42601 syntax, 22023 a phrase distance out of range, 22021/22P05 a NUL or bad byte, 54000 a query too big.
      if (PG_QUERY_ERRORS.has(e.code ?? '') || /tsquery|syntax error/i.test(e.message ?? '')) {
        throw new TributaryError(
          'invalid_query',
          `The search query "${query.text}" is not valid full-text syntax (${e.message}). Use the simple syntax or fix the expression.`,
          {
            cause: err,
            issues: [{ path: 'query', message: e.message ?? 'syntax error' }],
          },
        );
      }
      throw err;
    }
  }

  async function timeline(query: TimelineQuery): Promise<{ entries: TimelineEntry[]; nextCursor: string | null }> {
    const limit = clamp(query.limit, 1000);
    const desc = (query.order ?? 'desc') === 'desc';
    const params: unknown[] = [];
    let where = filterSql(query, params);
    if (query.cursor) {
      const [time, id] = decodeCursor(query.cursor);
      const op = desc ? '<' : '>';
      where += ` AND (coalesce(m.occurred_at, m.ingested_at), m.id) ${op} ($${params.push(time)}, $${params.push(id)})`;
    }
    const dir = desc ? 'DESC' : 'ASC';
    const rows = (
      await pool.query(
        `SELECT m.id, m.source_id, m.external_id, m.stream, m.title, left(m.content, 300) AS preview, m.content_type, m.url, m.author, m.container,
           m.thread, m.occurred_at, m.ingested_at, m.updated_at, m.content_hash, m.version, m.tags, m.metadata, m.importance, m.domain,
           s.name AS source_name, coalesce(m.occurred_at, m.ingested_at) AS t
         FROM memories m JOIN data_sources s ON s.id = m.source_id
         WHERE m.deleted_at IS NULL${where}
         ORDER BY t ${dir}, m.id ${dir} LIMIT $${params.push(limit + 1)}`,
        params,
      )
    ).rows;
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      entries: page.map(toTimelineEntry),
      nextCursor: rows.length > limit && last ? encodeCursor(last.t, Number(last.id)) : null,
    };
  }

  return { search, timeline };
}
