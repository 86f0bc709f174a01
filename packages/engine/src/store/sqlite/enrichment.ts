import type Database from 'better-sqlite3';
import type { EnrichmentUpdate } from '../types.js';

/** Migration: importance and domain of memories (NULL for rows stored before; `reindex --enrichment` fills them). */
export const ENRICHMENT_MIGRATION = `
ALTER TABLE memories ADD COLUMN importance REAL;
ALTER TABLE memories ADD COLUMN domain TEXT;
CREATE INDEX memories_domain ON memories (domain) WHERE domain IS NOT NULL;
`;

/** Re-scoring in place: no new version, no re-index (importance and domain are not searched text). */
export function createEnrichment(db: Database.Database) {
  const set = db.prepare(`UPDATE memories SET importance = ?, domain = ? WHERE id = ?`);
  const batch = db.transaction((updates: EnrichmentUpdate[]) => {
    let n = 0;
    for (const u of updates) n += set.run(u.importance, u.domain, Number(u.id)).changes;
    return n;
  });
  return { setEnrichment: (updates: EnrichmentUpdate[]): number => batch.immediate(updates) };
}
