import type { CommitPageInput, CommitPageResult, PreparedItem } from '../types.js';
import { applyStatePg } from './connector-state.js';
import type { Tx } from './db.js';
import { chunkHash } from '../vector-queue.js';
import { EMBEDDING_SWITCH_LOCK } from './vectors-schema.js';
import { arrayLiteral } from './array-literal.js';
import { MARK_SEEN_SQL, TOMBSTONE_SQL } from './fingerprints.js';

type ChunkRow = [string | number, number, string | null, string | null, string];

/**
 * The write path on PostgreSQL: one transaction per page. New items and their chunks go in with one statement
 * ({@link insertNew}); only items that already exist pay per-row statements (versions, tombstone revival).
 */
export async function commitPagePg(
  tx: Tx,
  input: CommitPageInput,
  now: string,
  hint: HashHint = { hashing: true },
): Promise<CommitPageResult> {
  const result: CommitPageResult = { created: 0, updated: 0, unchanged: 0, deleted: 0 };
  const seenRun = input.markSeen ? input.runId : null;
  const items = input.items;
  if (items.length) {
    // The content hash keys a chunk's vector (vector-queue.ts). Without embeddings it stays NULL — a sha256 and 64
    // bytes a chunk saved, and the backlog trigger does not fire (migration 11); enqueueAll fills it when they are
    // turned on. The shared lock orders this decision against enable() (vectors-queue.ts), which takes it exclusively.
    const { rows } = await tx.query<{ on: boolean }>(
      `SELECT pg_advisory_xact_lock_shared(${EMBEDDING_SWITCH_LOCK}, hashtext(current_schema())),
         coalesce((SELECT enabled FROM embedding_settings WHERE id = 1), false) AS on`,
    );
    hint.hashing = rows[0]!.on;
    const newIds = await insertNew(tx, input, now, seenRun, hint.hashing);
    result.created += newIds.size;

    for (const item of items) {
      if (newIds.has(item.externalId)) continue;
      const { rows } = await tx.query(
        `SELECT id, title, content, content_hash, fingerprint, version, deleted_at, metadata FROM memories WHERE source_id = $1 AND external_id = $2 FOR UPDATE`,
        [input.sourceId, item.externalId],
      );
      const row = rows[0];
      if (!row) continue;
      const live = row.deleted_at === null;
      if (live && row.content_hash === item.contentHash && row.fingerprint === item.fingerprint) {
        await tx.query(`UPDATE memories SET fingerprint = $1, seen_run = coalesce($2, seen_run) WHERE id = $3`, [
          item.fingerprint,
          seenRun,
          row.id,
        ]);
        result.unchanged++;
        continue;
      }
      let version = Number(row.version);
      if (row.content_hash !== item.contentHash || !live) {
        if (live) {
          await tx.query(
            `INSERT INTO memory_versions (memory_id, version, title, content, content_hash, metadata, superseded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (memory_id, version) DO UPDATE SET title = excluded.title, content = excluded.content, content_hash = excluded.content_hash,
               metadata = excluded.metadata, superseded_at = excluded.superseded_at`,
            [row.id, version, row.title, row.content, row.content_hash, JSON.stringify(row.metadata), now],
          );
          version++;
        }
      }
      await tx.query(
        `UPDATE memories SET stream = $2, title = $3, content = $4, content_type = $5, url = $6, author = $7, container = $8, thread = $9,
           occurred_at = $10, updated_at = $11, content_hash = $12, fingerprint = $13, version = $14, deleted_at = NULL,
           seen_run = coalesce($15, seen_run), metadata = $16::jsonb, tags = $17::jsonb, importance = $18, domain = $19
         WHERE id = $1`,
        [
          row.id,
          item.stream,
          item.title,
          item.content,
          item.contentType,
          item.url,
          item.author,
          item.container,
          item.thread,
          item.occurredAt,
          now,
          item.contentHash,
          item.fingerprint,
          version,
          seenRun,
          JSON.stringify(item.metadata),
          JSON.stringify(item.tags),
          item.importance,
          item.domain,
        ],
      );
      await tx.query(`DELETE FROM chunks WHERE memory_id = $1`, [row.id]);
      await insertChunks(
        tx,
        item.chunks.map((c): ChunkRow => [row.id, c.seq, c.heading, c.seq === 0 ? item.title : null, c.text]),
        hint.hashing,
      );
      if (live) result.updated++;
      else result.created++;
    }
  }
  if (input.unchangedIds?.length) {
    result.unchanged += input.unchangedIds.length;
    if (seenRun) {
      await tx.query(MARK_SEEN_SQL, [seenRun, input.sourceId, input.unchangedIds]);
    }
  }
  if (input.deletes.length) {
    const gone = await tx.query<{ id: string }>(TOMBSTONE_SQL, [now, input.sourceId, input.deletes]);
    if (gone.rows.length)
      await tx.query(`DELETE FROM chunks WHERE memory_id = ANY($1::bigint[])`, [gone.rows.map((r) => r.id)]);
    result.deleted = gone.rows.length;
  }
  await applyStatePg(tx, input.sourceId, input.state);
  if (input.checkpoint !== undefined) {
    await tx.query(
      `INSERT INTO checkpoints (source_id, checkpoint, run_id, updated_at) VALUES ($1, $2::jsonb, $3, $4)
       ON CONFLICT (source_id) DO UPDATE SET checkpoint = excluded.checkpoint, run_id = excluded.run_id, updated_at = excluded.updated_at`,
      [input.sourceId, JSON.stringify(input.checkpoint), input.runId, now],
    );
  }
  if (input.runId) {
    const c = input.runCounts ?? {};
    await tx.query(
      `UPDATE data_source_sync_history SET items_seen = items_seen + $2, created = created + $3, updated = updated + $4, deleted = deleted + $5,
         unchanged = unchanged + $6, failed = failed + $7, api_calls = api_calls + $8, rate_limit_wait_ms = rate_limit_wait_ms + $9, heartbeat_at = $10
       WHERE id = $1`,
      [
        input.runId,
        c.itemsSeen ?? items.length + (input.unchangedIds?.length ?? 0),
        result.created,
        result.updated,
        result.deleted,
        result.unchanged,
        c.failed ?? 0,
        c.apiCalls ?? 0,
        Math.round(c.rateLimitWaitMs ?? 0),
        now,
      ],
    );
  }
  return result;
}

/** Whether the last commit of a store hashed chunks: what {@link encodeItemsPg} guesses for the next page. */
export interface HashHint {
  hashing: boolean;
}

/** The per-item parameters of {@link insertNew} ($4–$24) of an items array, encoded ahead of its commit. */
const encoded = new WeakMap<PreparedItem[], { hashing: boolean; params: unknown[] }>();

/**
 * Builds the per-item parameters of {@link insertNew} — columns, chunk rows, chunk hashes, and their serialization
 * to PostgreSQL array literals ({@link arrayLiteral}: the bytes the driver would send) — and keeps them for the
 * commit of the same `items` array. The runner calls it while the page before is committing, so this work (~5 ms a
 * page of 1,000 chat items) is off the path between two commits; `commitPage` encodes whatever was not.
 */
export function encodeItemsPg(items: PreparedItem[], hashing: boolean): void {
  if (items.length && !encoded.has(items)) encoded.set(items, { hashing, params: encodeItems(items, hashing) });
}

function encodeItems(items: PreparedItem[], hashing: boolean): unknown[] {
  const col = <K extends keyof PreparedItem>(k: K) => items.map((i) => i[k]);
  const ck: { item: number[]; seq: number[]; heading: (string | null)[]; text: (string | null)[]; hash: string[] } = {
    item: [],
    seq: [],
    heading: [],
    text: [],
    hash: [],
  };
  items.forEach((item, i) => {
    for (const c of item.chunks) {
      ck.item.push(i + 1); // WITH ORDINALITY counts from 1
      ck.seq.push(c.seq);
      ck.heading.push(c.heading);
      ck.text.push(c.text === item.content ? null : c.text);
      if (hashing) ck.hash.push(chunkHash(c.seq, c.seq === 0 ? item.title : null, c.text));
    }
  });
  return [
    col('externalId'),
    col('stream'),
    col('title'),
    col('content'),
    col('contentType'),
    col('url'),
    col('author'),
    col('container'),
    col('thread'),
    col('occurredAt'),
    col('contentHash'),
    col('fingerprint'),
    items.map((i) => JSON.stringify(i.metadata)),
    items.map((i) => JSON.stringify(i.tags)),
    col('importance'),
    col('domain'),
    ck.item,
    ck.seq,
    ck.heading,
    ck.text,
    hashing ? ck.hash : null, // unnest pads a NULL array's column with NULLs
  ].map((v) => (v === null ? null : arrayLiteral(v)));
}

/**
 * New items and their chunks in one statement (one round trip): the memories `INSERT … ON CONFLICT DO NOTHING
 * RETURNING` is a CTE the chunks `INSERT` joins to, so ids never travel back and forth. A chunk whose text is the
 * whole content (every item up to 2,000 characters) is sent as NULL and takes the content from the item row: the
 * text crosses the wire once, not twice. Returns the ids of the items that were new.
 */
async function insertNew(
  tx: Tx,
  input: CommitPageInput,
  now: string,
  seenRun: string | null,
  hashing: boolean,
): Promise<Map<string, string>> {
  // Encoded ahead with the other answer (embeddings turned on, or off in another process): encoded again.
  const ahead = encoded.get(input.items);
  const perItem = ahead?.hashing === hashing ? ahead.params : encodeItems(input.items, hashing);
  const inserted = await tx.query<{ id: string; external_id: string }>(
    `WITH x AS (
       SELECT * FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[],
                            $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[], $18::float8[], $19::text[])
         WITH ORDINALITY AS x(e, s, t, c, ct, u, a, co, th, oa, h, f, m, tg, im, dm, i)
     ), ins AS (
       INSERT INTO memories (source_id, external_id, stream, title, content, content_type, url, author, container, thread,
         occurred_at, ingested_at, updated_at, content_hash, fingerprint, version, seen_run, metadata, tags, importance, domain)
       SELECT $1, x.e, x.s, x.t, x.c, x.ct, x.u, x.a, x.co, x.th, x.oa, $2, $2, x.h, x.f, 1, $3, x.m::jsonb, x.tg::jsonb, x.im, x.dm
       FROM x ORDER BY x.i
       ON CONFLICT (source_id, external_id) DO NOTHING
       RETURNING id, external_id
     ), ch AS (
       INSERT INTO chunks (memory_id, seq, heading, title, text, content_hash)
       SELECT ins.id, k.seq, k.hd, CASE WHEN k.seq = 0 THEN x.t END, coalesce(k.tx, x.c), k.hs
       FROM unnest($20::int[], $21::int[], $22::text[], $23::text[], $24::text[]) AS k(i, seq, hd, tx, hs)
       JOIN x ON x.i = k.i JOIN ins ON ins.external_id = x.e
       ORDER BY k.i, k.seq
     )
     SELECT id, external_id FROM ins`,
    [input.sourceId, now, seenRun, ...perItem],
  );
  return new Map(inserted.rows.map((r) => [r.external_id, r.id]));
}

/**
 * Writes chunks, with their content hashes while embeddings are on (the key of their vectors). Embeddings are not
 * written here: the embedding backlog, filled by a trigger in this transaction, gets them off the write path.
 */
async function insertChunks(tx: Tx, rows: ChunkRow[], hashing: boolean): Promise<void> {
  if (!rows.length) return;
  await tx.query(
    `INSERT INTO chunks (memory_id, seq, heading, title, text, content_hash)
     SELECT * FROM unnest($1::bigint[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[])`,
    [
      rows.map((r) => r[0]),
      rows.map((r) => r[1]),
      rows.map((r) => r[2]),
      rows.map((r) => r[3]),
      rows.map((r) => r[4]),
      hashing ? rows.map((r) => chunkHash(r[1], r[3], r[4])) : null,
    ],
  );
}
