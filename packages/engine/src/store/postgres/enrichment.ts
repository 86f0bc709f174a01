import type pg from 'pg';
import type { EnrichmentUpdate } from '../types.js';

/** Migration: importance and domain of memories (NULL for rows stored before; `reindex --enrichment` fills them). */
export const ENRICHMENT_MIGRATION_PG = `
ALTER TABLE memories ADD COLUMN importance DOUBLE PRECISION;
ALTER TABLE memories ADD COLUMN domain TEXT;
CREATE INDEX memories_domain ON memories (domain) WHERE domain IS NOT NULL;
`;

/** Re-scoring in place in one statement per batch: no new version, no re-index. */
export async function setEnrichmentPg(pool: pg.Pool, updates: EnrichmentUpdate[]): Promise<number> {
  if (!updates.length) return 0;
  const res = await pool.query(
    `UPDATE memories m SET importance = x.i, domain = x.d
     FROM unnest($1::bigint[], $2::float8[], $3::text[]) AS x(id, i, d) WHERE m.id = x.id`,
    [updates.map((u) => u.id), updates.map((u) => u.importance), updates.map((u) => u.domain)],
  );
  return res.rowCount ?? 0;
}
