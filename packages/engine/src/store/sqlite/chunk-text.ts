import type Database from 'better-sqlite3';
import { decodeContent } from './content-codec.js';

/**
 * Chunks keep no copy of their text (migration 9): a chunk is the span [at, at + len) of its memory's content, in
 * UTF-16 code units (JavaScript string indices). The chunker only ever cuts slices of the content, so every chunk
 * has a span; a chunk that is not a slice (a caller handing the store its own chunk text) keeps that text in
 * `own_text` instead, and reads the same way.
 *
 * The full-text index is contentless (it stores no text either), so nothing SQL can do recomputes a chunk's text:
 * the write path and the deferred-index merges insert index rows themselves, with the text in hand, through
 * {@link createFtsWriter}. Deleting needs no text (`contentless_delete=1`): a trigger removes the row by id.
 */
export interface ChunkSpan {
  at: number;
  len: number;
  /** The chunk's own text when it is not a slice of the content; null otherwise. */
  own: string | null;
}

/** Where each chunk text lies in `content`, in order (consecutive chunks overlap, so each is searched after the last). */
export function chunkSpans(content: string, texts: string[]): ChunkSpan[] {
  let from = 0;
  return texts.map((text) => {
    const at = content.indexOf(text, from);
    if (at < 0) return { at: 0, len: 0, own: text };
    from = at + 1;
    return { at, len: text.length, own: null };
  });
}

/** A chunk's text from its memory's (decoded) content and its span. */
export function spanText(content: string, at: number, len: number, own: string | null | undefined): string {
  return own ?? content.slice(at, at + len);
}

/** The title indexed with a chunk: its memory's title on the first chunk only (as it was when chunks kept a copy). */
export const indexedTitle = (seq: number, title: string | null | undefined): string | null =>
  seq === 0 ? (title ?? null) : null;

/** Chunks read per statement when indexing a range (better-sqlite3 cannot write while a read is iterating). */
const READ_BATCH = 2000;

export interface FtsWriter {
  /** Indexes one chunk whose text the caller has. */
  insert(id: number | bigint, title: string | null, text: string): void;
  /** Indexes every chunk with an id in [from, to), reading texts from the memories' content. */
  indexRange(from: number, to: number): void;
}

export function createFtsWriter(db: Database.Database): FtsWriter {
  const insert = db.prepare(`INSERT INTO chunks_fts (rowid, title, text) VALUES (?, ?, ?)`);
  // A slice of plain ASCII text (UTF-8 size = character count) is the same in SQL's substr, which counts
  // characters, as in JavaScript's, which counts UTF-16 units: such chunks, nearly every one of a chat backfill, are
  // indexed by one INSERT … SELECT inside SQLite (a merge of 200k chat chunks: 1.2 s CPU instead of 1.9 s for a row
  // at a time through JavaScript). `IS` keeps the test from ever being NULL, so each chunk takes exactly one path.
  const plain = `(c.own_text IS NULL AND typeof(m.content) = 'text' AND m.content_bytes IS length(m.content))`;
  const indexPlain = db.prepare(`
    INSERT INTO chunks_fts (rowid, title, text)
    SELECT c.id, CASE WHEN c.seq = 0 THEN m.title END, substr(m.content, c.at + 1, c.len)
    FROM chunks c JOIN memories m ON m.id = c.memory_id WHERE c.id >= ? AND c.id < ? AND ${plain} ORDER BY c.id`);
  // The rest (compressed, non-ASCII, own text) through JavaScript, which reads the content as the search does. The
  // spans are read without the content: a 1.8 MB patch has ~1,000 chunks, and a copy of its content on every row
  // of a batch held gigabytes (peak RSS 0.8–1 GB on a 20k-mail sync). Each memory's content is read once instead.
  // (typeof() reads only the record header, so the filter loads no compressed content either.)
  const read = db.prepare(`
    SELECT c.id, c.memory_id, c.seq, c.at, c.len, c.own_text
    FROM chunks c JOIN memories m ON m.id = c.memory_id WHERE c.id >= ? AND c.id < ? AND NOT ${plain} ORDER BY c.id`);
  const memory = db.prepare(`SELECT title, content FROM memories WHERE id = ?`);
  return {
    insert: (id, title, text) => void insert.run(id, title, text),
    indexRange(from, to) {
      // A memory's chunks have consecutive ids: its content is inflated once, not once per chunk.
      indexPlain.run(from, to);
      let lastMemory = -1;
      let title: string | null = null;
      let content = '';
      for (let lo = from; lo < to; lo += READ_BATCH) {
        const rows = read.all(lo, Math.min(to, lo + READ_BATCH)) as Array<{
          id: number;
          memory_id: number;
          seq: number;
          at: number;
          len: number;
          own_text: string | null;
        }>;
        for (const r of rows) {
          if (r.memory_id !== lastMemory) {
            const m = memory.get(r.memory_id) as { title: string | null; content: unknown } | undefined;
            title = m?.title ?? null;
            content = decodeContent(m?.content);
            lastMemory = r.memory_id;
          }
          insert.run(r.id, indexedTitle(r.seq, title), spanText(content, r.at, r.len, r.own_text));
        }
      }
    },
  };
}
