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

/**
 * The range of the memories (one scan: 0.6 s at 1M here). A store without memories gets the empty range
 * (lo > hi), which the first memory's importance replaces: the range of an empty store used to be 0–0, so every
 * store created empty kept 0 as its lowest importance and the search looked up every candidate (migration 14).
 */
const RANGE_SQL = `SELECT coalesce(min(coalesce(importance, 0)), 1e308) AS lo,
  coalesce(max(coalesce(importance, 0)), -1e308) AS hi FROM memories`;

/** Migration 13: the range of an existing store's memories, reported when done. */
export function fillImportanceBounds(db: Database.Database, progress: ConversionProgress = () => undefined): void {
  db.exec(`INSERT INTO importance_bounds (id, lo, hi) SELECT 1, lo, hi FROM (${RANGE_SQL})`);
  progress(1, 1);
}

/** Migration 14: the range taken again from the memories (a store created empty holds 0–0 from migration 13). */
export function refillImportanceBounds(db: Database.Database, progress: ConversionProgress = () => undefined): void {
  db.exec(`UPDATE importance_bounds SET (lo, hi) = (${RANGE_SQL}) WHERE id = 1`);
  progress(1, 1);
}
