import type Database from 'better-sqlite3';
import type { ConversionProgress } from './migrations.js';

/**
 * Migration 12: `chunk_siblings` lists every chunk of each memory that has more than one chunk, with its memory id.
 * An exact keyword total (distinct memories among the matching chunks) then needs no lookup of a match's memory
 * when the memory has one chunk: the index's own match count is the total when no match is a sibling, and only
 * siblings are looked up (in this table, a fraction of `chunks`) otherwise. Chat stores have none at all.
 *
 * Invariant: if a memory has two chunks or more, all of them are rows here (a row whose memory is down to one chunk
 * may stay; the count is exact either way, search-count.ts). Kept by triggers, whatever order chunks are written in:
 * an inserted chunk whose memory has another chunk is added with one of those others; if that memory had two or
 * more, they were rows already. A deleted chunk leaves (chunk ids are reused after the largest is deleted).
 */
export const CHUNK_SIBLINGS_MIGRATION = `
CREATE TABLE chunk_siblings (id INTEGER PRIMARY KEY, memory_id INTEGER NOT NULL);
CREATE TRIGGER chunks_siblings_ai AFTER INSERT ON chunks
WHEN EXISTS (SELECT 1 FROM chunks WHERE memory_id = new.memory_id AND id <> new.id) BEGIN
  INSERT OR IGNORE INTO chunk_siblings (id, memory_id) VALUES (new.id, new.memory_id);
  INSERT OR IGNORE INTO chunk_siblings (id, memory_id)
    SELECT id, memory_id FROM chunks WHERE memory_id = new.memory_id AND id <> new.id LIMIT 1;
END;
CREATE TRIGGER chunks_siblings_ad AFTER DELETE ON chunks BEGIN
  DELETE FROM chunk_siblings WHERE id = old.id;
END;
`;

/** Whether any memory has more than one chunk: without one, every indexed chunk is its memory's only match. */
export const HAS_SIBLINGS_SQL = `SELECT EXISTS (SELECT 1 FROM chunk_siblings)`;

/** Matching chunks in the index alone, counted up to the second parameter. */
export const INDEX_MATCHES_SQL = `SELECT count(*) FROM (SELECT 1 FROM chunks_fts WHERE chunks_fts MATCH ? LIMIT CAST(? AS INTEGER))`;

/** Memory ids per statement when filling the table of an existing store (at 1M chunks: 20 progress reports). */
const BATCH = 50_000;

/** Fills `chunk_siblings` from the chunks an existing store holds, by ranges of memory ids, reporting progress. */
export function fillChunkSiblings(db: Database.Database, progress: ConversionProgress = () => undefined): void {
  const range = db.prepare(`SELECT min(memory_id) AS lo, max(memory_id) AS hi FROM chunks`).get() as {
    lo: number | null;
    hi: number | null;
  };
  if (range.lo === null || range.hi === null) return;
  const fill = db.prepare(
    `INSERT INTO chunk_siblings (id, memory_id)
     SELECT id, memory_id FROM chunks WHERE memory_id IN (
       SELECT memory_id FROM chunks WHERE memory_id BETWEEN ? AND ? GROUP BY memory_id HAVING count(*) > 1)`,
  );
  const total = range.hi - range.lo + 1;
  for (let from = range.lo; from <= range.hi; from += BATCH) {
    const to = Math.min(range.hi, from + BATCH - 1);
    fill.run(from, to);
    progress(to - range.lo + 1, total);
  }
}
