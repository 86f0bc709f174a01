import type Database from 'better-sqlite3';
import { chunkSpans, indexedTitle } from './chunk-text.js';
import { BLOCK_CHARS, decodeContent, encodeContent } from './content-codec.js';
import type { ConversionProgress } from './migrations.js';

/**
 * Migration 9: a memory's text is stored once (issue 13: the index of 222 MB of mail took 722 MB, three times mu's).
 *
 * Before, the text lay in `memories.content`, again in `chunks.text` (+ `chunks.title`), and the FTS5 table was an
 * external-content index over chunks. Now:
 * - `memories.content` / `memory_versions.content` hold the text compressed when that pays (content-codec.ts), and
 *   `memories.content_bytes` its UTF-8 size (budgets count the text, not its compressed form);
 * - a chunk is a span of its memory's content (`at`, `len`; chunk-text.ts), with `own_text` only for a chunk that is
 *   not a slice;
 * - `chunks_fts` is contentless with `contentless_delete=1`: it keeps the inverted index (with positions, so phrase
 *   and prefix queries work as before) and no text; snippets are cut in TypeScript (snippet.ts). A deleted chunk's
 *   row is removed by id (trigger `chunks_ad`), so an erase needs no old text and leaves none behind.
 * The index is filled by the write path and by the deferred-index merges (fts-backlog.ts), no longer by a trigger:
 * SQL cannot inflate the content.
 */
export const CONTENT_ONCE_MIGRATION = `
DROP TRIGGER chunks_ai;
DROP TRIGGER chunks_ad;
ALTER TABLE chunks ADD COLUMN at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE chunks ADD COLUMN len INTEGER NOT NULL DEFAULT 0;
ALTER TABLE chunks ADD COLUMN own_text TEXT;
ALTER TABLE memories ADD COLUMN content_bytes INTEGER;
CREATE VIRTUAL TABLE chunks_fts_v9 USING fts5(title, text, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2');
`;

/** The part of the SQL that runs once the data is converted. */
const FINISH = `
DROP TABLE chunks_fts;
ALTER TABLE chunks_fts_v9 RENAME TO chunks_fts;
ALTER TABLE chunks DROP COLUMN title;
ALTER TABLE chunks DROP COLUMN text;
DELETE FROM fts_backlog;
CREATE TRIGGER chunks_ad AFTER DELETE ON chunks
WHEN old.id < coalesce((SELECT from_chunk FROM fts_backlog WHERE id = 1), 9223372036854775807) BEGIN
  DELETE FROM chunks_fts WHERE rowid = old.id;
END;
`;

/** Memories converted per read (better-sqlite3 cannot write while a read is iterating). */
const BATCH = 500;

/**
 * Converts a version-8 database in place, inside the migration's transaction: spans for every chunk, every chunk
 * (deferred ones too) in the new index, content compressed. The old external-content index is dropped.
 */
export function convertToContentOnce(db: Database.Database, progress: ConversionProgress = () => undefined): void {
  // Rows to convert, for the progress report (at 1M items this takes minutes: the CLI shows a line with an ETA).
  const total = db
    .prepare(`SELECT (SELECT count(*) FROM memories) + (SELECT count(*) FROM memory_versions)`)
    .pluck()
    .get() as number;
  let done = 0;
  const memories = db.prepare(`SELECT id, content FROM memories WHERE id > ? ORDER BY id LIMIT CAST(? AS INTEGER)`);
  const chunksOf = db.prepare(`SELECT id, seq, title, text FROM chunks WHERE memory_id = ? ORDER BY seq, id`);
  const setSpan = db.prepare(`UPDATE chunks SET at = ?, len = ?, own_text = ? WHERE id = ?`);
  const index = db.prepare(`INSERT INTO chunks_fts_v9 (rowid, title, text) VALUES (?, ?, ?)`);
  const setContent = db.prepare(`UPDATE memories SET content = ?, content_bytes = ? WHERE id = ?`);
  let after = 0;
  for (;;) {
    const rows = memories.all(after, BATCH) as Array<{ id: number; content: string }>;
    if (!rows.length) break;
    for (const m of rows) {
      const text = String(m.content);
      const chunks = chunksOf.all(m.id) as Array<{ id: number; seq: number; title: string | null; text: string }>;
      const spans = chunkSpans(
        text,
        chunks.map((c) => c.text),
      );
      chunks.forEach((c, i) => {
        const s = spans[i]!;
        setSpan.run(s.at, s.len, s.own, c.id);
        // The title the chunk was indexed with: the first chunk's copy of its memory's title.
        index.run(c.id, indexedTitle(c.seq, c.title), c.text);
      });
      setContent.run(encodeContent(text), Buffer.byteLength(text), m.id);
    }
    after = rows[rows.length - 1]!.id;
    progress((done += rows.length), total);
  }
  const versions = db.prepare(
    `SELECT memory_id, version, content FROM memory_versions WHERE (memory_id, version) > (?, ?) ORDER BY memory_id, version LIMIT CAST(? AS INTEGER)`,
  );
  const setVersion = db.prepare(`UPDATE memory_versions SET content = ? WHERE memory_id = ? AND version = ?`);
  let key: [number, number] = [0, 0];
  for (;;) {
    const rows = versions.all(key[0], key[1], BATCH) as Array<{ memory_id: number; version: number; content: string }>;
    if (!rows.length) break;
    for (const v of rows) setVersion.run(encodeContent(String(v.content)), v.memory_id, v.version);
    const last = rows[rows.length - 1]!;
    key = [last.memory_id, last.version];
    progress((done += rows.length), total);
  }
  db.exec(FINISH);
}

/**
 * Migration 11: text longer than BLOCK_CHARS stored in blocks (format 3, content-codec.ts), so a search hit inflates
 * the block of its chunk, not the whole text. Only such rows are rewritten (content_bytes, the UTF-8 size, is at least
 * the length in UTF-16 units, so it picks every candidate); their text, `content_bytes` and hashes stay as they are.
 */
export function convertLongContentToBlocks(
  db: Database.Database,
  progress: ConversionProgress = () => undefined,
): void {
  const convert = (value: unknown): string | Buffer | undefined => {
    const text = decodeContent(value);
    return text.length > BLOCK_CHARS ? encodeContent(text) : undefined;
  };
  const ids = db
    .prepare(`SELECT id FROM memories WHERE typeof(content) = 'blob' AND content_bytes > ? ORDER BY id`)
    .pluck()
    .all(BLOCK_CHARS) as number[];
  // Versions keep no size column: every compressed one is looked at (superseded versions are few).
  const versions = db
    .prepare(
      `SELECT memory_id, version FROM memory_versions WHERE typeof(content) = 'blob' ORDER BY memory_id, version`,
    )
    .all() as Array<{ memory_id: number; version: number }>;
  // Reported every 100 rows (each is a long text: the 336 of the 20k-mail bench took ~4 s of CPU).
  const total = ids.length + versions.length;
  let done = 0;
  const step = (): void => {
    if (++done % 100 === 0 || done === total) progress(done, total);
  };
  const memory = db.prepare(`SELECT content FROM memories WHERE id = ?`).pluck();
  const setMemory = db.prepare(`UPDATE memories SET content = ? WHERE id = ?`);
  for (const id of ids) {
    const value = convert(memory.get(id));
    if (value !== undefined) setMemory.run(value, id);
    step();
  }
  const version = db.prepare(`SELECT content FROM memory_versions WHERE memory_id = ? AND version = ?`).pluck();
  const setVersion = db.prepare(`UPDATE memory_versions SET content = ? WHERE memory_id = ? AND version = ?`);
  for (const v of versions) {
    const value = convert(version.get(v.memory_id, v.version));
    if (value !== undefined) setVersion.run(value, v.memory_id, v.version);
    step();
  }
}
