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
