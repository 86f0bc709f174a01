import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';

/** Memories deleted by the first transaction; the next ones are sized to take about `BATCH_TARGET_MS` each. */
export const PURGE_BATCH = 1000;
/** How long one transaction may hold the thread: a chat memory takes ~15 µs to delete, a long document several times that. */
const BATCH_TARGET_MS = 60;
const BATCH_RANGE = [100, 20_000] as const;

/** FTS5's default `automerge`, which the store otherwise never changes. */
const AUTOMERGE_DEFAULT = 4;
/** Leases (table `leases`) of the purges that paused FTS5's merging; renewed by every batch. */
const PAUSE_LEASE = 'fts-merging-paused:';
const PAUSE_TTL_MS = 60_000;

const automerge = (db: Database.Database): number => {
  const v = db.prepare(`SELECT v FROM chunks_fts_config WHERE k = 'automerge'`).pluck().get();
  return v === undefined ? AUTOMERGE_DEFAULT : Number(v);
};
const setAutomerge = (db: Database.Database, n: 0 | typeof AUTOMERGE_DEFAULT): void => {
  // FTS5 wants an integer here, and better-sqlite3 binds a JS number as a real: the value is written in the SQL.
  db.prepare(`INSERT INTO chunks_fts (chunks_fts, rank) VALUES ('automerge', ${n})`).run();
};
const pausesHeld = (db: Database.Database, nowMs: number): number =>
  db
    .prepare(`SELECT count(*) FROM leases WHERE key >= ? AND key < ? AND expires_at > ?`)
    .pluck()
    .get(PAUSE_LEASE, `${PAUSE_LEASE}\uffff`, nowMs) as number;

/**
 * At store open: FTS5's merging turned back on when a purge paused it and died (kill -9) — no unexpired pause lease
 * remains. Only reads unless there is something to repair.
 */
export function resumeMergingLeftPaused(db: Database.Database, nowMs: number): void {
  if (automerge(db) !== 0 || pausesHeld(db, nowMs) > 0) return;
  try {
    setAutomerge(db, AUTOMERGE_DEFAULT);
  } catch (err) {
    // Another process holds the write lock: it or a later open repairs it. Opening the store must not fail for that.
    if ((err as { code?: string }).code !== 'SQLITE_BUSY') throw err;
  }
}

/**
 * Deleting a source, or purging its memories, in transactions of about `BATCH_TARGET_MS` each, with a turn of the
 * event loop between them. better-sqlite3 is synchronous and this runs on the thread that serves the API (`DELETE
 * /sources/{id}`): one transaction over a million memories, their chunks and full-text entries held it for ~14 s,
 * health checks included.
 *
 * FTS5's automatic merging is paused meanwhile (`automerge` 0, held by a lease). Each batch's commit flushes its
 * deletions as a small segment, and automerge then merged them into the large segments batch after batch: batches
 * with merging took 15.4 s for 200,000 chat memories (one transaction: 2.9 s, all of it blocking); without, 3.8 s
 * with no turn of the loop held longer than ~50 ms. The last batch turns merging back on, and so does the next
 * store open if the process died before (`resumeMergingLeftPaused`); FTS5's crisis merge bounds the segments
 * meanwhile, and later writes merge the deletions in.
 *
 * The checkpoint and connector state go first, in their own transaction, so a process that dies half-way leaves a
 * source whose next sync starts from the beginning (the memories still there are recognised as unchanged, the deleted
 * ones come back) and whose deletion can simply be asked again. The last transaction deletes whatever a sync wrote
 * between batches, then the source's counts and, for a deletion, the source itself (its runs, credential and the
 * rest go by cascade).
 */
export function createPurge(db: Database.Database, nowMs: () => number) {
  const pause = db.transaction((lease: string) => {
    db.prepare(`INSERT INTO leases (key, holder, expires_at) VALUES (?, ?, ?)`).run(
      lease,
      lease,
      nowMs() + PAUSE_TTL_MS,
    );
    if (automerge(db) !== 0) setAutomerge(db, 0);
  });
  const renew = db.prepare(`UPDATE leases SET expires_at = ? WHERE key = ?`);
  const resume = db.transaction((lease: string) => {
    db.prepare(`DELETE FROM leases WHERE key = ?`).run(lease);
    if (pausesHeld(db, nowMs()) === 0) setAutomerge(db, AUTOMERGE_DEFAULT);
  });
  const forgetPosition = db.transaction((id: string) => {
    db.prepare('DELETE FROM checkpoints WHERE source_id = ?').run(id);
    db.prepare('DELETE FROM connector_state WHERE source_id = ?').run(id);
  });
  // Along the rowid from the last batch's end: through the (source_id, external_id) index every batch sorted all the
  // source's remaining ids again.
  const batchIds = db
    .prepare(`SELECT id FROM memories NOT INDEXED WHERE id > ? AND source_id = ? ORDER BY id LIMIT CAST(? AS INTEGER)`)
    .pluck();
  // Chunks first (their trigger removes the full-text rows), in id order, then the memories (versions by cascade).
  const chunksOf = db.prepare(
    `DELETE FROM chunks WHERE id IN (SELECT c.id FROM chunks c WHERE c.memory_id IN (SELECT value FROM json_each(?)) ORDER BY c.id)`,
  );
  const memoriesOf = db.prepare(`DELETE FROM memories WHERE id IN (SELECT value FROM json_each(?))`);
  const deleteBatch = db.transaction((lease: string, id: string, after: number, limit: number) => {
    renew.run(nowMs() + PAUSE_TTL_MS, lease);
    const ids = batchIds.all(after, id, limit) as number[];
    const list = JSON.stringify(ids);
    chunksOf.run(list);
    return { deleted: memoriesOf.run(list).changes, seen: ids.length, last: ids[ids.length - 1] ?? after };
  });
  const finish = db.transaction((id: string, dropSource: boolean): { memories: number; source: boolean } => {
    // The counts first: the memories' delete trigger then finds no row to update (source-counts.ts).
    db.prepare('DELETE FROM source_counts WHERE source_id = ?').run(id);
    db.prepare('DELETE FROM chunks WHERE memory_id IN (SELECT id FROM memories WHERE source_id = ?)').run(id);
    const memories = db.prepare('DELETE FROM memories WHERE source_id = ?').run(id).changes;
    forgetPosition(id);
    const source = dropSource && db.prepare('DELETE FROM data_sources WHERE id = ?').run(id).changes > 0;
    return { memories, source };
  });

  const run = async (id: string, dropSource: boolean) => {
    forgetPosition.immediate(id);
    const lease = `${PAUSE_LEASE}${randomUUID()}`;
    pause.immediate(lease);
    try {
      let memories = 0;
      let after = 0;
      let size = PURGE_BATCH;
      for (;;) {
        const started = performance.now();
        const batch = deleteBatch.immediate(lease, id, after, size);
        memories += batch.deleted;
        after = batch.last;
        if (batch.seen < size) break;
        const ms = Math.max(1, performance.now() - started);
        size = Math.round(Math.min(BATCH_RANGE[1], Math.max(BATCH_RANGE[0], (size * BATCH_TARGET_MS) / ms)));
        await new Promise((resolve) => setImmediate(resolve));
      }
      const last = finish.immediate(id, dropSource);
      return { memories: memories + last.memories, source: last.source };
    } finally {
      resume.immediate(lease);
    }
  };
  return {
    /** Deletes the source and everything of it; false when there was no such source. */
    deleteSource: async (id: string): Promise<boolean> => (await run(id, true)).source,
    /** Deletes every memory of the source (and its position), keeping the source; the number of memories deleted. */
    purgeSourceData: async (id: string): Promise<number> => (await run(id, false)).memories,
  };
}
