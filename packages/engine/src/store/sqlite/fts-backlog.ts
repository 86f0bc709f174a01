import type Database from 'better-sqlite3';
import { createFtsWriter } from './chunk-text.js';

/**
 * Deferred full-text indexing for bulk backfills.
 *
 * Keeping FTS5 in step row by row (a trigger per chunk, a new index segment per committed page, automerge after
 * automerge) costs a first backfill about three quarters of its time. During a backfill the store instead leaves
 * new chunks out of the index and adds them in large merges — one `INSERT … SELECT` of up to `mergeChunks`
 * chunks per transaction — at the end of the run, at store open after a crash, and whenever the backlog grows large.
 *
 * The one invariant, kept by the triggers of migration 2 and by every function below: **the index holds exactly the
 * chunks whose id is below `fts_backlog.from_chunk`, or every chunk when the table is empty.** Both triggers test
 * the same predicate, so a chunk deleted before it was indexed is never "deleted" from the index (which would corrupt
 * an external-content table), and a reused id below the line is indexed at once. The marker row is written in the
 * same transaction as the chunks it covers, so a kill -9 at any moment leaves a database where the invariant holds
 * and catching up from `from_chunk` restores a complete index.
 *
 * Since migration 9 the index is contentless and the insert side is the write path's (it tests {@link FtsBacklog.line}
 * as the insert trigger did); only the delete trigger remains (content-once.ts).
 */
export const FTS_BACKLOG_MIGRATION = `
CREATE TABLE fts_backlog (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  from_chunk INTEGER NOT NULL,
  touched_at TEXT NOT NULL
);
DROP TRIGGER chunks_ai;
DROP TRIGGER chunks_ad;
CREATE TRIGGER chunks_ai AFTER INSERT ON chunks
WHEN new.id < coalesce((SELECT from_chunk FROM fts_backlog WHERE id = 1), 9223372036854775807) BEGIN
  INSERT INTO chunks_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
END;
CREATE TRIGGER chunks_ad AFTER DELETE ON chunks
WHEN old.id < coalesce((SELECT from_chunk FROM fts_backlog WHERE id = 1), 9223372036854775807) BEGIN
  INSERT INTO chunks_fts (chunks_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
END;
`;

export interface FtsBacklogOptions {
  /** Chunks indexed per merge transaction; a backlog this large is merged during the run. @default 100000 */
  mergeChunks?: number;
  /** At store open, a backlog untouched for this long belongs to a dead writer and is caught up. @default 30000 */
  staleMs?: number;
  /**
   * SQLite page cache in MiB of this connection while it writes a deferred backfill (never above the store's
   * own); the store's size comes back when the backlog closes. @default {@link BACKFILL_CACHE_MB}
   */
  backfillCacheMb?: number;
  /** WAL pages between automatic checkpoints while this connection writes a backfill. @default {@link BACKFILL_WAL_PAGES} */
  backfillWalPages?: number;
}

/**
 * A backfill appends: its pages, and the merges' new index segments, are written once and rarely read again, so a
 * large cache only fills with them. On a 100,000-commit git sync the store's 64 MB cache was ~75 MB of the peak
 * RSS (249 → 171 MB with 16 MB) for the same CPU; the Maildir sync measured 272 → 216 MB. Searches keep the large
 * cache: only the connection that writes the backfill shrinks its own, for as long as the backfill lasts.
 */
export const BACKFILL_CACHE_MB = 16;

/**
 * Each automatic checkpoint (every 1,000 WAL pages by default) copies the WAL into the database and fsyncs both, on
 * the committing thread: a 100,000-commit git sync made 488 fsyncs that blocked it 9.9 s of a 43 s sync on a busy
 * disk. A backfill checkpoints every 10,000 pages (~40 MB of WAL) instead. Crash safety is the same (a checkpoint
 * only moves committed pages); the WAL file keeps its largest size until the last connection closes.
 */
export const BACKFILL_WAL_PAGES = 10_000;

export interface FtsBacklog {
  /** Opens (or keeps) the backlog before a deferred page writes its chunks. Call inside the page's transaction. */
  defer(ts: string): void;
  /** Indexes the whole backlog so the page about to be written is indexed live. Call inside its transaction. */
  catchUpInTransaction(): void;
  /** Merges when the backlog has reached `mergeChunks`; call after a deferred page committed. */
  mergeIfLarge(): void;
  /** Indexes everything deferred, in transactions of `mergeChunks`, and closes the backlog. */
  flush(): void;
  /** At open: flushes a backlog whose writer stopped touching it more than `staleMs` ago. */
  recover(nowMs: number): void;
  /** Chunks committed but not yet searchable. */
  pending(): number;
  /** Chunks with an id below this are indexed as they are written (no backlog: every chunk). In a transaction. */
  line(): number;
}

export function createFtsBacklog(db: Database.Database, options: FtsBacklogOptions = {}): FtsBacklog {
  const mergeChunks = Math.max(1, options.mergeChunks ?? 100_000);
  const staleMs = options.staleMs ?? 30_000;
  const read = db.prepare(`SELECT from_chunk, touched_at FROM fts_backlog WHERE id = 1`);
  const open = db.prepare(`
    INSERT INTO fts_backlog (id, from_chunk, touched_at) VALUES (1, (SELECT coalesce(max(id), 0) + 1 FROM chunks), ?)
    ON CONFLICT (id) DO UPDATE SET touched_at = excluded.touched_at`);
  const maxChunk = db.prepare(`SELECT coalesce(max(id), 0) AS id FROM chunks`);
  // The same rows the write path indexes (chunk text from the memory's content, the title on the first chunk).
  const fts = createFtsWriter(db);
  const index = { run: (from: number, to: number): void => fts.indexRange(from, to) };
  const advance = db.prepare(`UPDATE fts_backlog SET from_chunk = ? WHERE id = 1`);
  const close = db.prepare(`DELETE FROM fts_backlog WHERE id = 1`);
  // cache_size as the store set it (negative: KiB), and the backfill's, which is never larger.
  const storeCache = db.pragma('cache_size', { simple: true }) as number;
  const storeKib =
    storeCache < 0 ? -storeCache : (storeCache * (db.pragma('page_size', { simple: true }) as number)) / 1024;
  const backfillKib = Math.min(storeKib, Math.max(1, options.backfillCacheMb ?? BACKFILL_CACHE_MB) * 1024);
  const storeWal = db.pragma('wal_autocheckpoint', { simple: true }) as number;
  // 0 (or less) turns automatic checkpoints off: left as the store set it.
  const backfillWal = storeWal <= 0 ? storeWal : Math.max(storeWal, options.backfillWalPages ?? BACKFILL_WAL_PAGES);
  let backfilling = false;
  /** A smaller page cache and rarer checkpoints while this connection writes a backfill; its own after. */
  const backfillCache = (on: boolean): void => {
    if (on === backfilling) return;
    backfilling = on;
    db.pragma(`cache_size = ${on ? -backfillKib : storeCache}`);
    db.pragma(`wal_autocheckpoint = ${on ? backfillWal : storeWal}`);
  };

  const marker = (): { from_chunk: number; touched_at: string } | undefined =>
    read.get() as { from_chunk: number; touched_at: string } | undefined;
  const top = (): number => (maxChunk.get() as { id: number }).id;

  /** One merge step: indexes [from, from + mergeChunks) and moves the line; closes the backlog once past the top. */
  const step = db.transaction((): boolean => {
    const m = marker();
    if (!m) return false;
    const last = top();
    const to = Math.min(m.from_chunk + mergeChunks, last + 1);
    if (to > m.from_chunk) index.run(m.from_chunk, to);
    if (to > last) {
      close.run();
      return false;
    }
    advance.run(to);
    return true;
  });

  const flush = (): void => {
    while (step.immediate());
    backfillCache(false);
  };

  return {
    defer(ts) {
      backfillCache(true);
      open.run(ts);
    },
    catchUpInTransaction() {
      backfillCache(false);
      const m = marker();
      if (!m) return;
      index.run(m.from_chunk, top() + 1);
      close.run();
    },
    mergeIfLarge() {
      const m = marker();
      if (m && top() - m.from_chunk + 1 >= mergeChunks) step.immediate();
    },
    flush,
    recover(nowMs) {
      const m = marker();
      if (!m || nowMs - Date.parse(m.touched_at) < staleMs) return;
      try {
        flush();
      } catch (err) {
        // Another process holds the write lock (its own sync, or its own recovery): it or a later open catches up.
        // Opening the store must not fail for that; each merge step is its own transaction, so nothing is half done.
        if ((err as { code?: string }).code !== 'SQLITE_BUSY') throw err;
      }
    },
    pending() {
      const m = marker();
      return m ? Math.max(0, top() - m.from_chunk + 1) : 0;
    },
    line() {
      return marker()?.from_chunk ?? Number.MAX_SAFE_INTEGER;
    },
  };
}
