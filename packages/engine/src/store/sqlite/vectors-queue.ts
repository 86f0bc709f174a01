import type Database from 'better-sqlite3';
import type { SearchFilters, SearchHit } from '../types.js';
import type { VectorFilter, VectorMatch, VectorScope } from '../vector-port.js';
import { chunkHash, embeddedText, type BacklogEntry, type ChunkInfo, type EmbeddingQueue } from '../vector-queue.js';
import { filterSql } from './search.js';
import { json } from './rows.js';
import { ensureHashIndex } from './vectors-schema.js';
import { indexedTitle, spanText } from './chunk-text.js';
import { decodeContent } from './content-codec.js';

/** A chunk row with its memory's title and stored content: its text is a span of that content (chunk-text.ts). */
interface SpanRow {
  seq: number;
  at: number;
  len: number;
  own_text: string | null;
  title: string | null;
  content: unknown;
}
const textOf = (r: SpanRow): string => spanText(decodeContent(r.content), r.at, r.len, r.own_text);

/** Chunks hashed per transaction when filling hashes of chunks written before the column existed. */
const FILL_BATCH = 2000;

/** A vector hit's snippet: the start of its chunk (no words matched, so nothing is marked). */
export const VECTOR_SNIPPET_CHARS = 200;

/** The embedding backlog and chunk lookups of the embedded store (see ../vector-queue.ts). */
export function createSqliteEmbeddingQueue(db: Database.Database): EmbeddingQueue {
  const enabled = db.prepare(`SELECT coalesce((SELECT enabled FROM embedding_settings WHERE id = 1), 0)`).pluck();
  // Migration 8 leaves the hash lookups' index to the stores that embed (see vectors-schema.ts).
  if (enabled.get() === 1) ensureHashIndex(db);
  const next = db.prepare(`SELECT seq, hash FROM embedding_backlog ORDER BY seq LIMIT CAST(? AS INTEGER)`);
  const done = db.prepare(`DELETE FROM embedding_backlog WHERE seq IN (SELECT value FROM json_each(?))`);
  const size = db.prepare(`SELECT count(*) FROM embedding_backlog`).pluck();
  const text = db.prepare(
    `SELECT c.seq, c.at, c.len, c.own_text, m.title, m.content FROM chunks c JOIN memories m ON m.id = c.memory_id
     WHERE c.content_hash = ? LIMIT 1`,
  );
  const scopes = db.prepare(
    `SELECT DISTINCT s.owner_id AS ownerId, m.source_id AS sourceId
     FROM chunks c JOIN memories m ON m.id = c.memory_id JOIN data_sources s ON s.id = m.source_id
     WHERE c.content_hash = ? AND m.deleted_at IS NULL ORDER BY m.source_id`,
  );
  // Chunks written while embeddings were off (write-path.ts), or before the column existed, get a hash here.
  // Spans without the memory's content, which is read once per memory (its chunks have consecutive ids, so rows come
  // grouped): a long mail has ~1,000 chunks, and a copy of its content on every row of a batch would hold gigabytes
  // (the deferred-index merge had the same problem, chunk-text.ts).
  const unhashed = db.prepare(
    `SELECT id, memory_id, seq, at, len, own_text FROM chunks WHERE content_hash IS NULL LIMIT CAST(? AS INTEGER)`,
  );
  const memory = db.prepare(`SELECT title, content FROM memories WHERE id = ?`);
  const setHash = db.prepare(`UPDATE chunks SET content_hash = ? WHERE id = ?`);
  type UnhashedRow = Omit<SpanRow, 'title' | 'content'> & { id: number; memory_id: number };
  const fill = db.transaction((rows: UnhashedRow[]) => {
    let last = -1;
    let m: { title: string | null; content: unknown } | undefined;
    let content = '';
    for (const r of rows) {
      if (r.memory_id !== last) {
        m = memory.get(r.memory_id) as typeof m;
        content = decodeContent(m?.content);
        last = r.memory_id;
      }
      const text = spanText(content, r.at, r.len, r.own_text);
      setHash.run(chunkHash(r.seq, indexedTitle(r.seq, m?.title ?? null), text), r.id);
    }
  });
  // Texts already waiting are not queued twice (EXCEPT sorts once; the backlog has no index on hash).
  const queueAll = db.prepare(`
    INSERT INTO embedding_backlog (hash)
    SELECT c.content_hash FROM chunks c JOIN memories m ON m.id = c.memory_id
    WHERE m.deleted_at IS NULL AND c.content_hash IS NOT NULL
    EXCEPT SELECT hash FROM embedding_backlog`);

  const placeSql = (filter: VectorFilter | undefined): { sql: string; params: unknown[] } => {
    const parts: string[] = [];
    const params: unknown[] = [];
    if (filter?.ownerId !== undefined) {
      parts.push('s.owner_id = ?');
      params.push(filter.ownerId);
    }
    if (filter?.sourceIds) {
      parts.push('m.source_id IN (SELECT value FROM json_each(?))');
      params.push(JSON.stringify(filter.sourceIds));
    }
    return { sql: parts.map((p) => ` AND ${p}`).join(''), params };
  };

  // One statement per filter shape (which filters are set), prepared once, as keyword search does.
  const statements = new Map<string, Database.Statement>();
  const hitsStatement = (where: string): Database.Statement => {
    let stmt = statements.get(where);
    if (!stmt)
      statements.set(
        where,
        (stmt = db.prepare(
          `WITH hits AS (
             SELECT json_extract(value, '$[0]') AS hash, json_extract(value, '$[1]') AS distance, key AS ord
             FROM json_each(?)
           )
           SELECT hits.distance, hits.ord, c.at AS chunk_at, c.len AS chunk_len, c.own_text AS chunk_own, m.*, s.name AS source_name, s.source_type AS connector
           FROM hits JOIN chunks c ON c.content_hash = hits.hash JOIN memories m ON m.id = c.memory_id
           JOIN data_sources s ON s.id = m.source_id
           WHERE m.deleted_at IS NULL${where}
           ORDER BY hits.ord, m.id`,
        )),
      );
    return stmt;
  };

  return {
    async enabled() {
      return enabled.get() === 1;
    },
    async enable() {
      db.prepare(`INSERT OR REPLACE INTO embedding_settings (id, enabled) VALUES (1, 1)`).run();
      ensureHashIndex(db);
    },
    async next(limit) {
      return next.all(Math.max(1, Math.floor(limit))) as BacklogEntry[];
    },
    async done(seqs) {
      if (seqs.length) done.run(JSON.stringify(seqs));
    },
    async size() {
      return size.get() as number;
    },
    async describe(hashes) {
      return hashes.map((hash): ChunkInfo => {
        const row = text.get(hash) as SpanRow | undefined;
        const live = scopes.all(hash) as VectorScope[];
        return {
          hash,
          text: row && live.length ? embeddedText(row.seq, indexedTitle(row.seq, row.title), textOf(row)) : null,
          scopes: live,
        };
      });
    },
    async enqueueAll() {
      for (;;) {
        const rows = unhashed.all(FILL_BATCH) as UnhashedRow[];
        if (!rows.length) break;
        fill.immediate(rows);
      }
      return db.transaction(() => queueAll.run().changes).immediate();
    },
    async corpus(filter) {
      const place = placeSql(filter);
      return db
        .prepare(
          `SELECT count(DISTINCT c.content_hash) FROM chunks c JOIN memories m ON m.id = c.memory_id
           JOIN data_sources s ON s.id = m.source_id WHERE m.deleted_at IS NULL AND c.content_hash IS NOT NULL${place.sql}`,
        )
        .pluck()
        .get(...place.params) as number;
    },
    async hitsFor(matches: VectorMatch[], filters: SearchFilters) {
      if (!matches.length) return [];
      const f = filterSql(filters);
      const rows = hitsStatement(f.sql).all(
        JSON.stringify(matches.map((mt) => [mt.hash, mt.distance])),
        ...f.params,
      ) as any[];
      const seen = new Set<number>();
      const out: Array<SearchHit & { distance: number }> = [];
      for (const row of rows) {
        if (seen.has(row.id)) continue;
        seen.add(row.id);
        out.push(toVectorHit(row));
      }
      return out;
    },
  };
}

function toVectorHit(row: any): SearchHit & { distance: number } {
  const text = spanText(decodeContent(row.content), row.chunk_at, row.chunk_len, row.chunk_own);
  return {
    memoryId: String(row.id),
    sourceId: row.source_id,
    sourceName: row.source_name,
    connector: row.connector,
    externalId: row.external_id,
    stream: row.stream,
    title: row.title ?? null,
    snippet: text.length > VECTOR_SNIPPET_CHARS ? `${text.slice(0, VECTOR_SNIPPET_CHARS)}…` : text,
    url: row.url ?? null,
    author: row.author ?? null,
    container: row.container ?? null,
    thread: row.thread ?? null,
    occurredAt: row.occurred_at ?? null,
    tags: json(row.tags, []),
    importance: row.importance ?? null,
    domain: row.domain ?? null,
    score: 1 - Number(row.distance),
    distance: Number(row.distance),
  };
}
