import { lowerBound, prefixEnd, stateJson, type StateChange, type StateListOptions } from '../connector-state.js';
import type { Tx } from './db.js';

// COLLATE "C": keys sort by bytes (code point order), like SQLite, so prefix scans are index ranges.
export const CONNECTOR_STATE_MIGRATION_PG = `
CREATE TABLE connector_state (
  source_id TEXT NOT NULL REFERENCES data_sources(id) ON DELETE CASCADE,
  key TEXT COLLATE "C" NOT NULL,
  value JSONB NOT NULL,
  PRIMARY KEY (source_id, key)
);
`;

/** Applies a page's state change inside its transaction: one statement per kind, whatever the page size. */
export async function applyStatePg(tx: Tx, sourceId: string, change: StateChange | undefined): Promise<void> {
  if (!change) return;
  if (change.clear) await tx.query('DELETE FROM connector_state WHERE source_id = $1', [sourceId]);
  if (change.delete?.length)
    await tx.query('DELETE FROM connector_state WHERE source_id = $1 AND key = ANY($2::text[])', [
      sourceId,
      change.delete,
    ]);
  const entries = Object.entries(change.set ?? {});
  if (entries.length)
    await tx.query(
      `INSERT INTO connector_state (source_id, key, value)
       SELECT $1, x.k, x.v::jsonb FROM unnest($2::text[], $3::text[]) AS x(k, v)
       ON CONFLICT (source_id, key) DO UPDATE SET value = excluded.value`,
      [sourceId, entries.map((e) => e[0]), entries.map((e) => stateJson(e[1]))],
    );
}

export async function getStatePg(tx: Tx, sourceId: string, keys: string[]): Promise<Map<string, unknown>> {
  const out = new Map<string, unknown>();
  if (!keys.length) return out;
  const rows = await tx.query<{ key: string; value: unknown }>(
    'SELECT key, value FROM connector_state WHERE source_id = $1 AND key = ANY($2::text[])',
    [sourceId, keys],
  );
  for (const r of rows.rows) out.set(r.key, r.value);
  return out;
}

export async function listStatePg(tx: Tx, sourceId: string, opts: StateListOptions): Promise<Array<[string, unknown]>> {
  const prefix = opts.prefix ?? '';
  const from = lowerBound(prefix, opts.after);
  const rows = await tx.query<{ key: string; value: unknown }>(
    `SELECT key, value FROM connector_state
     WHERE source_id = $1 AND key ${from.inclusive ? '>=' : '>'} $2 AND ($3::text IS NULL OR key < $3)
     ORDER BY key LIMIT $4`,
    [sourceId, from.key, prefix ? (prefixEnd(prefix) ?? null) : null, opts.limit],
  );
  return rows.rows.map((r) => [r.key, r.value]);
}
