import type { Tx } from './db.js';

/**
 * The stored fingerprints of live items among `$2` (external ids) of source `$1`: one unique-index probe per id,
 * whatever the statistics say. During a first backfill the table has none yet (ANALYZE runs at its end), and
 * `external_id = ANY($2)` — or a plain join — was then planned as a read of all of the source's rows filtered by the
 * list (`deleted_at IS NULL` guessed at 0.5%): O(source) per page, 50 ms a page at 200k rows, 10 s of a 200k-item
 * ingest. LIMIT 1 keeps the LATERAL subquery from being flattened into that join.
 */
export const LOOKUP_FINGERPRINTS_SQL = `SELECT x.e AS external_id, m.fingerprint FROM unnest($2::text[]) AS x(e)
  CROSS JOIN LATERAL (
    SELECT fingerprint FROM memories WHERE source_id = $1 AND external_id = x.e AND deleted_at IS NULL LIMIT 1
  ) m`;

export async function lookupFingerprintsPg(
  tx: Tx,
  sourceId: string,
  externalIds: string[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (!externalIds.length) return out;
  const { rows } = await tx.query<{ external_id: string; fingerprint: string }>(LOOKUP_FINGERPRINTS_SQL, [
    sourceId,
    externalIds,
  ]);
  for (const r of rows) out.set(r.external_id, r.fingerprint);
  return out;
}

/**
 * The ids of live items among `$3` (external ids) of source `$2`, by the same one-probe-per-id plan as
 * {@link LOOKUP_FINGERPRINTS_SQL}: the FROM list of an UPDATE that marks or tombstones them (`$1` is its value).
 */
const liveIdsOf = `SELECT q.id FROM unnest($3::text[]) AS x(e)
  CROSS JOIN LATERAL (
    SELECT id FROM memories WHERE source_id = $2 AND external_id = x.e AND deleted_at IS NULL LIMIT 1
  ) q`;

/** Marks unchanged items as seen by run `$1`. */
export const MARK_SEEN_SQL = `UPDATE memories m SET seen_run = $1 FROM (${liveIdsOf}) t WHERE m.id = t.id`;

/** Tombstones items at `$1`; returns their ids. */
export const TOMBSTONE_SQL = `UPDATE memories m SET deleted_at = $1, updated_at = $1 FROM (${liveIdsOf}) t
  WHERE m.id = t.id RETURNING m.id`;
