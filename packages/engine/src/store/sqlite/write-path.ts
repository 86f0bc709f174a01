import type Database from 'better-sqlite3';
import type { CommitPageInput, CommitPageResult, PreparedItem } from '../types.js';
import { createConnectorState } from './connector-state.js';
import type { FtsBacklog } from './fts-backlog.js';
import { chunkHash } from '../vector-queue.js';
import { chunkSpans, createFtsWriter, indexedTitle } from './chunk-text.js';
import { encodeContent } from './content-codec.js';

/**
 * The write path: one page (items, unchanged ids, deletions, checkpoint, run counters) in ONE transaction.
 * New items take a single `INSERT … ON CONFLICT DO NOTHING RETURNING`; only existing ones pay for a lookup.
 */
export function createWritePath(db: Database.Database, now: () => string, backlog: FtsBacklog) {
  const insert = db.prepare(`
    INSERT INTO memories (source_id, external_id, stream, title, content, content_type, url, author, container, thread,
      occurred_at, ingested_at, updated_at, content_hash, fingerprint, version, seen_run, metadata, tags, importance, domain,
      content_bytes)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (source_id, external_id) DO NOTHING
    RETURNING id`);
  const existing = db.prepare(
    `SELECT id, title, content, content_hash, fingerprint, version, deleted_at, metadata FROM memories WHERE source_id = ? AND external_id = ?`,
  );
  const saveVersion = db.prepare(
    `INSERT OR REPLACE INTO memory_versions (memory_id, version, title, content, content_hash, metadata, superseded_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const update = db.prepare(`
    UPDATE memories SET stream = @stream, title = @title, content = @content, content_type = @contentType, url = @url,
      author = @author, container = @container, thread = @thread, occurred_at = @occurredAt, updated_at = @now,
      content_hash = @contentHash, fingerprint = @fingerprint, version = @version, deleted_at = NULL,
      seen_run = coalesce(@seenRun, seen_run), metadata = @metadata, tags = @tags, importance = @importance,
      domain = @domain, content_bytes = @contentBytes
    WHERE id = @id`);
  const touchUnchanged = db.prepare(
    `UPDATE memories SET fingerprint = ?, seen_run = coalesce(?, seen_run) WHERE id = ?`,
  );
  const markSeen = db.prepare(
    `UPDATE memories SET seen_run = ? WHERE source_id = ? AND external_id = ? AND deleted_at IS NULL`,
  );
  const insertChunk = db.prepare(
    `INSERT INTO chunks (memory_id, seq, heading, at, len, own_text, content_hash) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const fts = createFtsWriter(db);
  const embeddingsOn = db.prepare(`SELECT coalesce((SELECT enabled FROM embedding_settings WHERE id = 1), 0)`).pluck();
  const deleteChunks = db.prepare(`DELETE FROM chunks WHERE memory_id = ?`);
  // Every chunk of these memories in one statement (ids in ascending order): see `indexQueue` for why.
  const deleteChunksOf = db.prepare(
    `DELETE FROM chunks WHERE id IN (SELECT c.id FROM chunks c WHERE c.memory_id IN (SELECT value FROM json_each(?)) ORDER BY c.id)`,
  );
  const tombstone = db.prepare(
    `UPDATE memories SET deleted_at = ?, updated_at = ? WHERE source_id = ? AND external_id = ? AND deleted_at IS NULL RETURNING id`,
  );
  const upsertCheckpoint = db.prepare(`
    INSERT INTO checkpoints (source_id, checkpoint, run_id, updated_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (source_id) DO UPDATE SET checkpoint = excluded.checkpoint, run_id = excluded.run_id, updated_at = excluded.updated_at`);
  const state = createConnectorState(db);
  const addRunCounts = db.prepare(`
    UPDATE data_source_sync_history SET items_seen = items_seen + @itemsSeen, created = created + @created,
      updated = updated + @updated, deleted = deleted + @deleted, unchanged = unchanged + @unchanged,
      failed = failed + @failed, api_calls = api_calls + @apiCalls, rate_limit_wait_ms = rate_limit_wait_ms + @rateLimitWaitMs,
      heartbeat_at = @now
    WHERE id = @runId`);

  // Read once per page, inside its transaction (see commit).
  let indexLine = 0;
  let hashing = false;
  /**
   * The page's chunks to index, written to FTS5 at the end of its transaction, not beside each chunk row. FTS5 keeps
   * its writes in memory until it must flush them as a new index segment, and it must at every statement savepoint:
   * SQLite opens one for any statement that may fail half-way (the chunk and memory writes: constraints, triggers),
   * and calls every virtual table written in the transaction. Interleaved, each chunk's row flushed the previous
   * chunk's index entries as a segment of their own, and every few segments FTS5 merged them: 300 chunks took 296 ms
   * that way, 141 ms queued (on the 20,000-mail store); a tombstone's chunk deletions, flushed the same way, made
   * one of 50 deletions cost 250 ms of merging.
   */
  let indexQueue: Array<[id: number | bigint, title: string | null, text: string, memoryId: number | bigint]> = [];
  const writeChunks = (memoryId: number | bigint, item: PreparedItem): void => {
    // Spans, not copies: a chunk's text is read back from the memory's content (chunk-text.ts).
    const spans = chunkSpans(
      item.content,
      item.chunks.map((c) => c.text),
    );
    item.chunks.forEach((chunk, i) => {
      const title = indexedTitle(chunk.seq, item.title);
      const span = spans[i]!;
      // The content hash keys the chunk's vector (vector-queue.ts): equal text anywhere is embedded once. Without
      // embeddings it stays NULL (64 bytes a chunk, and a sha256); enqueueAll fills it when they are turned on.
      const hash = hashing ? chunkHash(chunk.seq, title, chunk.text) : null;
      const id = insertChunk.run(memoryId, chunk.seq, chunk.heading, span.at, span.len, span.own, hash).lastInsertRowid;
      // Below the backlog's line the chunk is indexed now (fts-backlog.ts); above it, by a later merge.
      if (id < indexLine) indexQueue.push([id, title, chunk.text, memoryId]);
    });
  };

  const commit = db.transaction((input: CommitPageInput): CommitPageResult => {
    const ts = now();
    const seenRun = input.markSeen ? input.runId : null;
    const result: CommitPageResult = { created: 0, updated: 0, unchanged: 0, deleted: 0 };
    // A page that must be searchable on return first indexes whatever a backfill deferred (see fts-backlog.ts).
    if (input.deferIndex) backlog.defer(ts);
    else backlog.catchUpInTransaction();
    indexLine = backlog.line();
    hashing = embeddingsOn.get() === 1;
    indexQueue = [];
    const gone: number[] = [];
    for (const item of input.items) {
      const params = {
        sourceId: input.sourceId,
        externalId: item.externalId,
        stream: item.stream,
        title: item.title,
        content: encodeContent(item.content),
        contentBytes: Buffer.byteLength(item.content),
        contentType: item.contentType,
        url: item.url,
        author: item.author,
        container: item.container,
        thread: item.thread,
        occurredAt: item.occurredAt,
        now: ts,
        contentHash: item.contentHash,
        fingerprint: item.fingerprint,
        seenRun,
        metadata: JSON.stringify(item.metadata),
        tags: JSON.stringify(item.tags),
        importance: item.importance,
        domain: item.domain,
      };
      // Positional binding: a backfill runs this once per item, and binding 17 named parameters costs more.
      const inserted = insert.get(
        params.sourceId,
        params.externalId,
        params.stream,
        params.title,
        params.content,
        params.contentType,
        params.url,
        params.author,
        params.container,
        params.thread,
        params.occurredAt,
        ts,
        ts,
        params.contentHash,
        params.fingerprint,
        seenRun,
        params.metadata,
        params.tags,
        params.importance,
        params.domain,
        params.contentBytes,
      ) as { id: number } | undefined;
      if (inserted) {
        writeChunks(inserted.id, item);
        result.created++;
        continue;
      }
      const row = existing.get(input.sourceId, item.externalId) as any;
      const live = row.deleted_at === null;
      if (live && row.content_hash === item.contentHash && row.fingerprint === item.fingerprint) {
        touchUnchanged.run(item.fingerprint, seenRun, row.id);
        result.unchanged++;
        continue;
      }
      const contentChanged = row.content_hash !== item.contentHash;
      // A new version when the text changed or a tombstoned item came back; other field changes update in place.
      let version = row.version as number;
      if (contentChanged || !live) {
        if (live) saveVersion.run(row.id, row.version, row.title, row.content, row.content_hash, row.metadata, ts);
        version = live ? version + 1 : version;
      }
      update.run({ ...params, id: row.id, version });
      // The same item earlier in this page: its chunks are deleted before they were indexed.
      if (indexQueue.some((e) => e[3] === row.id)) indexQueue = indexQueue.filter((e) => e[3] !== row.id);
      deleteChunks.run(row.id);
      writeChunks(row.id, item);
      if (live) result.updated++;
      else result.created++;
    }
    if (input.unchangedIds?.length) {
      result.unchanged += input.unchangedIds.length;
      if (seenRun) for (const id of input.unchangedIds) markSeen.run(seenRun, input.sourceId, id);
    }
    for (const externalId of input.deletes) {
      const row = tombstone.get(ts, ts, input.sourceId, externalId) as { id: number } | undefined;
      if (row) gone.push(row.id);
    }
    result.deleted = gone.length;
    // The index's writes last, together (see indexQueue): the deleted memories' chunks in one statement, then the
    // page's new chunks in ascending id order.
    if (gone.length) {
      deleteChunksOf.run(JSON.stringify(gone.sort((a, b) => a - b)));
      // An item of this page deleted in the same page: its chunks are gone, so is their indexing.
      const goneIds = new Set<number | bigint>(gone);
      indexQueue = indexQueue.filter((e) => !goneIds.has(e[3]));
    }
    for (const [id, title, text] of indexQueue) fts.insert(id, title, text);
    indexQueue = [];
    state.apply(input.sourceId, input.state);
    if (input.checkpoint !== undefined)
      upsertCheckpoint.run(input.sourceId, JSON.stringify(input.checkpoint), input.runId, ts);
    if (input.runId) {
      const c = input.runCounts ?? {};
      addRunCounts.run({
        runId: input.runId,
        now: ts,
        itemsSeen: c.itemsSeen ?? input.items.length + (input.unchangedIds?.length ?? 0),
        created: result.created,
        updated: result.updated,
        deleted: result.deleted,
        unchanged: result.unchanged,
        failed: c.failed ?? 0,
        apiCalls: c.apiCalls ?? 0,
        rateLimitWaitMs: c.rateLimitWaitMs ?? 0,
      });
    }
    return result;
  });

  // Rows as arrays, read in one call: the unchanged re-sync runs this for every page, and row objects and a
  // per-row iterator cost more than the query itself.
  const lookup = db
    .prepare(
      `SELECT external_id, fingerprint FROM memories WHERE source_id = ? AND deleted_at IS NULL AND external_id IN (SELECT value FROM json_each(?))`,
    )
    .raw(true);
  const unseen = db.prepare(
    `SELECT id FROM memories WHERE source_id = ? AND deleted_at IS NULL AND (seen_run IS NULL OR seen_run <> ?) LIMIT 1000`,
  );
  const tombstoneById = db.prepare(`UPDATE memories SET deleted_at = ?, updated_at = ? WHERE id = ?`);
  const tombstoneBatch = db.transaction((ids: number[]) => {
    const ts = now();
    for (const id of ids) tombstoneById.run(ts, ts, id);
    // Their chunks in one statement, after the memories' updates (see indexQueue).
    deleteChunksOf.run(JSON.stringify([...ids].sort((a, b) => a - b)));
  });

  return {
    commitPage(input: CommitPageInput): CommitPageResult {
      const result = commit.immediate(input);
      if (input.deferIndex) backlog.mergeIfLarge();
      return result;
    },
    flushIndex: () => backlog.flush(),
    lookupFingerprints(sourceId: string, externalIds: string[]): Map<string, string> {
      const out = new Map<string, string>();
      if (!externalIds.length) return out;
      for (const [externalId, fingerprint] of lookup.all(sourceId, JSON.stringify(externalIds)) as Array<
        [string, string]
      >)
        out.set(externalId, fingerprint);
      return out;
    },
    tombstoneUnseen(sourceId: string, runId: string): number {
      let total = 0;
      for (;;) {
        const ids = (unseen.all(sourceId, runId) as Array<{ id: number }>).map((r) => r.id);
        if (!ids.length) return total;
        tombstoneBatch.immediate(ids);
        total += ids.length;
      }
    },
  };
}
