import type pg from 'pg';
import type { SearchFilters, SearchHit } from '../types.js';
import type { VectorFilter, VectorMatch, VectorScope } from '../vector-port.js';
import { chunkHash, embeddedText, type ChunkInfo, type EmbeddingQueue } from '../vector-queue.js';
import { transaction } from './db.js';
import { filterSql, toHit } from './search.js';
import { EMBEDDING_SWITCH_LOCK, ensureHashIndexPg } from './vectors-schema.js';

/** Chunks hashed per transaction when filling hashes of chunks written before the column existed. */
const FILL_BATCH = 2000;
const SNIPPET_CHARS = 200;

/** The embedding backlog and chunk lookups of the PostgreSQL store (see ../vector-queue.ts). */
export function createPgEmbeddingQueue(pool: pg.Pool): EmbeddingQueue {
  const placeSql = (filter: VectorFilter | undefined, params: unknown[]): string => {
    let sql = '';
    if (filter?.ownerId !== undefined) sql += ` AND s.owner_id = $${params.push(filter.ownerId)}`;
    if (filter?.sourceIds) sql += ` AND m.source_id = ANY($${params.push(filter.sourceIds)}::text[])`;
    return sql;
  };

  return {
    async enabled() {
      const { rows } = await pool.query(`SELECT enabled FROM embedding_settings WHERE id = 1`);
      return rows[0]?.enabled === true;
    },
    async enable() {
      // Waits for page commits in flight (they hold the shared lock, write-path.ts): a commit that saw embeddings off
      // and writes no chunk hashes is committed before this returns, so the enqueueAll that follows fills its hashes.
      await transaction(pool, async (tx) => {
        await tx.query(`SELECT pg_advisory_xact_lock(${EMBEDDING_SWITCH_LOCK}, hashtext(current_schema()))`);
        await tx.query(
          `INSERT INTO embedding_settings (id, enabled) VALUES (1, true) ON CONFLICT (id) DO UPDATE SET enabled = true`,
        );
      });
      // Every embedding path enables first (ensureEmbeddingModel), so the index dropped by migration 8 is back.
      await ensureHashIndexPg(pool);
    },
    async next(limit) {
      const { rows } = await pool.query(`SELECT seq, hash FROM embedding_backlog ORDER BY seq LIMIT $1`, [
        Math.max(1, Math.floor(limit)),
      ]);
      return rows.map((r) => ({ seq: Number(r.seq), hash: r.hash as string }));
    },
    async done(seqs) {
      if (seqs.length) await pool.query(`DELETE FROM embedding_backlog WHERE seq = ANY($1::bigint[])`, [seqs]);
    },
    async size() {
      return Number((await pool.query(`SELECT count(*)::int AS n FROM embedding_backlog`)).rows[0].n);
    },
    async describe(hashes) {
      if (!hashes.length) return [];
      const texts = await pool.query(
        `SELECT DISTINCT ON (content_hash) content_hash AS hash, seq, title, text FROM chunks
         WHERE content_hash = ANY($1::text[]) ORDER BY content_hash, id`,
        [hashes],
      );
      const scopes = await pool.query(
        `SELECT DISTINCT c.content_hash AS hash, s.owner_id, m.source_id
         FROM chunks c JOIN memories m ON m.id = c.memory_id JOIN data_sources s ON s.id = m.source_id
         WHERE c.content_hash = ANY($1::text[]) AND m.deleted_at IS NULL ORDER BY m.source_id`,
        [hashes],
      );
      const text = new Map(texts.rows.map((r) => [r.hash as string, embeddedText(r.seq, r.title, r.text)]));
      const live = new Map<string, VectorScope[]>();
      for (const r of scopes.rows) {
        const list = live.get(r.hash) ?? [];
        list.push({ ownerId: r.owner_id, sourceId: r.source_id });
        live.set(r.hash, list);
      }
      return hashes.map((hash): ChunkInfo => {
        const scopesOf = live.get(hash) ?? [];
        return { hash, text: scopesOf.length ? (text.get(hash) ?? null) : null, scopes: scopesOf };
      });
    },
    async enqueueAll() {
      for (;;) {
        const { rows } = await pool.query(
          `SELECT id, seq, title, text FROM chunks WHERE content_hash IS NULL LIMIT $1`,
          [FILL_BATCH],
        );
        if (!rows.length) break;
        await pool.query(
          `UPDATE chunks c SET content_hash = x.h FROM unnest($1::bigint[], $2::text[]) AS x(id, h) WHERE c.id = x.id`,
          [rows.map((r) => r.id), rows.map((r) => chunkHash(r.seq, r.title, r.text))],
        );
      }
      return transaction(pool, async (tx) => {
        const { rowCount } = await tx.query(
          `INSERT INTO embedding_backlog (hash)
           SELECT DISTINCT c.content_hash FROM chunks c JOIN memories m ON m.id = c.memory_id
           WHERE m.deleted_at IS NULL AND c.content_hash IS NOT NULL
           ON CONFLICT (hash) DO UPDATE SET seq = nextval(pg_get_serial_sequence('embedding_backlog', 'seq'))`,
        );
        return rowCount ?? 0;
      });
    },
    async corpus(filter) {
      const params: unknown[] = [];
      const place = placeSql(filter, params);
      const { rows } = await pool.query(
        `SELECT count(DISTINCT c.content_hash)::int AS n FROM chunks c JOIN memories m ON m.id = c.memory_id
         JOIN data_sources s ON s.id = m.source_id WHERE m.deleted_at IS NULL AND c.content_hash IS NOT NULL${place}`,
        params,
      );
      return Number(rows[0].n);
    },
    async hitsFor(matches: VectorMatch[], filters: SearchFilters) {
      if (!matches.length) return [];
      const params: unknown[] = [matches.map((m) => m.hash), matches.map((m) => m.distance)];
      const where = filterSql(filters, params);
      const { rows } = await pool.query(
        `SELECT DISTINCT ON (hits.ord, m.id) hits.distance, hits.ord, left(c.text, ${SNIPPET_CHARS}) AS snip,
           length(c.text) > ${SNIPPET_CHARS} AS cut, m.*, s.name AS source_name, s.source_type AS connector
         FROM unnest($1::text[], $2::float8[]) WITH ORDINALITY AS hits(hash, distance, ord)
         JOIN chunks c ON c.content_hash = hits.hash JOIN memories m ON m.id = c.memory_id
         JOIN data_sources s ON s.id = m.source_id
         WHERE m.deleted_at IS NULL${where}
         ORDER BY hits.ord, m.id, c.id`,
        params,
      );
      const seen = new Set<string>();
      const out: Array<SearchHit & { distance: number }> = [];
      for (const row of rows) {
        const id = String(row.id);
        if (seen.has(id)) continue;
        seen.add(id);
        const distance = Number(row.distance);
        out.push({
          ...toHit({ ...row, snip: row.cut ? `${row.snip}…` : row.snip, score: 1 - distance }),
          distance,
        });
      }
      return out;
    },
  };
}
