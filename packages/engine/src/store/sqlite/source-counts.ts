import type Database from 'better-sqlite3';
import type { ConversionProgress } from './migrations.js';

/**
 * Migration 16: every source's live and deleted memories per stream, and the span of their times, kept by triggers
 * on `memories`. A source's stats (REST `/sources/{id}/stats`, MCP `list_sources`, the CLI report) read these rows
 * instead of every memory of the source: that scan took ~1 s at 1M memories, on the API's thread, so every stats
 * call stalled the server for that long. A write costs one upsert of a row keyed by (source, stream), and only an
 * insert, a deletion or a change of stream, deletion mark or time fires a trigger (an unchanged re-sync's writes
 * touch none of these columns).
 *
 * The span only widens here: a memory leaving its oldest or newest place (its time moved inwards, its stream or source
 * changed) could shrink it, which a trigger cannot tell without a scan, so it marks the row `span_exact = 0`. Reading
 * then finds the true bound from the recorded one through the time index (`memories_occurred`): the true oldest is
 * never older than the recorded one, so the walk starts there and stops at the source's first memory (at once when
 * the source owns that stretch of time). A time moved outwards (a note edited again, its newest time later) keeps
 * the span exact. Memories are never deleted one by one (a deletion is a tombstone, which keeps its time in the span
 * as before); purging a source deletes its rows here first, so the delete trigger finds nothing to update.
 */
/** Counts the memory as it now is (`new`): its row's live or dead count, and its time in the row's span. */
const COUNT_NEW_ROW = `
  INSERT INTO source_counts (source_id, stream, live, dead, oldest, newest)
  VALUES (new.source_id, new.stream, new.deleted_at IS NULL, new.deleted_at IS NOT NULL, new.occurred_at, new.occurred_at)
  ON CONFLICT (source_id, stream) DO UPDATE SET
    live = live + excluded.live,
    dead = dead + excluded.dead,
    oldest = coalesce(min(oldest, excluded.oldest), oldest, excluded.oldest),
    newest = coalesce(max(newest, excluded.newest), newest, excluded.newest);`;

export const SOURCE_COUNTS_MIGRATION = `
-- Dropped first so the migration can run again over a store whose tests rewound its version.
DROP TRIGGER IF EXISTS memories_counts_ai;
DROP TRIGGER IF EXISTS memories_counts_au;
DROP TRIGGER IF EXISTS memories_counts_ad;
DROP TABLE IF EXISTS source_counts;
CREATE TABLE source_counts (
  source_id TEXT NOT NULL REFERENCES data_sources(id) ON DELETE CASCADE,
  stream TEXT NOT NULL,
  live INTEGER NOT NULL DEFAULT 0,
  dead INTEGER NOT NULL DEFAULT 0,
  oldest TEXT,
  newest TEXT,
  span_exact INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY (source_id, stream)
) WITHOUT ROWID;

CREATE TRIGGER memories_counts_ai AFTER INSERT ON memories BEGIN
${COUNT_NEW_ROW}
END;

CREATE TRIGGER memories_counts_au AFTER UPDATE OF source_id, stream, deleted_at, occurred_at ON memories
WHEN old.source_id IS NOT new.source_id OR old.stream IS NOT new.stream
  OR (old.deleted_at IS NULL) <> (new.deleted_at IS NULL) OR old.occurred_at IS NOT new.occurred_at
BEGIN
  UPDATE source_counts SET
    live = live - (old.deleted_at IS NULL),
    dead = dead - (old.deleted_at IS NOT NULL),
    span_exact = span_exact AND NOT coalesce(
      (old.occurred_at = oldest AND (old.source_id IS NOT new.source_id OR old.stream IS NOT new.stream
        OR new.occurred_at IS NULL OR new.occurred_at > old.occurred_at))
      OR (old.occurred_at = newest AND (old.source_id IS NOT new.source_id OR old.stream IS NOT new.stream
        OR new.occurred_at IS NULL OR new.occurred_at < old.occurred_at)), 0)
  WHERE source_id = old.source_id AND stream = old.stream;
${COUNT_NEW_ROW}
END;

CREATE TRIGGER memories_counts_ad AFTER DELETE ON memories BEGIN
  UPDATE source_counts SET live = live - (old.deleted_at IS NULL), dead = dead - (old.deleted_at IS NOT NULL),
    span_exact = span_exact AND NOT coalesce(old.occurred_at = oldest OR old.occurred_at = newest, 0)
  WHERE source_id = old.source_id AND stream = old.stream;
END;
`;

/** Migration 16: the counts of an existing store's memories (one scan), reported when done. */
export function fillSourceCounts(db: Database.Database, progress: ConversionProgress = () => undefined): void {
  db.exec(`INSERT INTO source_counts (source_id, stream, live, dead, oldest, newest)
    SELECT source_id, stream, sum(deleted_at IS NULL), sum(deleted_at IS NOT NULL), min(occurred_at), max(occurred_at)
    FROM memories GROUP BY source_id, stream`);
  progress(1, 1);
}

export interface SourceCounts {
  live: number;
  dead: number;
  byStream: Record<string, number>;
  oldest: string | null;
  newest: string | null;
}

/** A source's counts from `source_counts`; a span that may have shrunk is found again through the time index. */
export function createSourceCounts(db: Database.Database) {
  const rows = db.prepare(
    `SELECT stream, live, dead, oldest, newest, span_exact FROM source_counts WHERE source_id = ?`,
  );
  const oldestFrom = db
    .prepare(
      `SELECT occurred_at FROM memories INDEXED BY memories_occurred
       WHERE occurred_at >= ? AND source_id = ? ORDER BY occurred_at LIMIT 1`,
    )
    .pluck();
  const newestFrom = db
    .prepare(
      `SELECT occurred_at FROM memories INDEXED BY memories_occurred
       WHERE occurred_at <= ? AND source_id = ? ORDER BY occurred_at DESC LIMIT 1`,
    )
    .pluck();
  return (sourceId: string): SourceCounts => {
    const counts: SourceCounts = { live: 0, dead: 0, byStream: {}, oldest: null, newest: null };
    let exact = true;
    for (const r of rows.all(sourceId) as Array<{
      stream: string;
      live: number;
      dead: number;
      oldest: string | null;
      newest: string | null;
      span_exact: number;
    }>) {
      counts.live += r.live;
      counts.dead += r.dead;
      if (r.live > 0) counts.byStream[r.stream] = r.live;
      if (!r.span_exact) exact = false;
      if (r.oldest !== null && (counts.oldest === null || r.oldest < counts.oldest)) counts.oldest = r.oldest;
      if (r.newest !== null && (counts.newest === null || r.newest > counts.newest)) counts.newest = r.newest;
    }
    if (!exact && counts.oldest !== null && counts.newest !== null) {
      counts.oldest = (oldestFrom.get(counts.oldest, sourceId) as string | undefined) ?? null;
      counts.newest = (newestFrom.get(counts.newest, sourceId) as string | undefined) ?? null;
    }
    return counts;
  };
}
