import type Database from 'better-sqlite3';
import type { ConversionProgress } from './migrations.js';

/**
 * Migration 13: the lowest and highest importance (NULL counting as 0, as the boost counts it) of every memory
 * stored since, kept by triggers: a write reads one row and updates it only when it widens the range. Deleted
 * memories leave the range as it was (still bounds of the live ones). Keyword search (search-direct.ts) uses it to
 * look up only the candidates whose boost could lift them into the page: with boosts between `lo` and `hi` factors,
 * a chunk whose bm25 × the highest is still worse than the page's last bm25 × the lowest cannot get there.
 */
export const IMPORTANCE_BOUNDS_MIGRATION = `
CREATE TABLE importance_bounds (id INTEGER PRIMARY KEY CHECK (id = 1), lo REAL NOT NULL, hi REAL NOT NULL);
CREATE TRIGGER memories_importance_ai AFTER INSERT ON memories
WHEN coalesce(new.importance, 0) NOT BETWEEN (SELECT lo FROM importance_bounds) AND (SELECT hi FROM importance_bounds)
BEGIN
  UPDATE importance_bounds SET lo = min(lo, coalesce(new.importance, 0)), hi = max(hi, coalesce(new.importance, 0));
END;
CREATE TRIGGER memories_importance_au AFTER UPDATE OF importance ON memories
WHEN coalesce(new.importance, 0) NOT BETWEEN (SELECT lo FROM importance_bounds) AND (SELECT hi FROM importance_bounds)
BEGIN
  UPDATE importance_bounds SET lo = min(lo, coalesce(new.importance, 0)), hi = max(hi, coalesce(new.importance, 0));
END;
`;

/** The range of an existing store's memories (one scan: ~1–2 s at 1M here), reported when done. */
export function fillImportanceBounds(db: Database.Database, progress: ConversionProgress = () => undefined): void {
  db.exec(
    `INSERT INTO importance_bounds (id, lo, hi)
     SELECT 1, coalesce(min(coalesce(importance, 0)), 0), coalesce(max(coalesce(importance, 0)), 0) FROM memories`,
  );
  progress(1, 1);
}
