import type Database from 'better-sqlite3';
import { lowerBound, prefixEnd, stateJson, type StateChange, type StateListOptions } from '../connector-state.js';

export const CONNECTOR_STATE_MIGRATION = `
CREATE TABLE connector_state (
  source_id TEXT NOT NULL REFERENCES data_sources(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (source_id, key)
) WITHOUT ROWID;
`;

/** Connector state on SQLite: `apply` runs inside the page's transaction; reads are keyset-paged. */
export function createConnectorState(db: Database.Database) {
  const clear = db.prepare('DELETE FROM connector_state WHERE source_id = ?');
  const del = db.prepare('DELETE FROM connector_state WHERE source_id = ? AND key = ?');
  const upsert = db.prepare(
    `INSERT INTO connector_state (source_id, key, value) VALUES (?, ?, ?)
     ON CONFLICT (source_id, key) DO UPDATE SET value = excluded.value`,
  );
  const getMany = db.prepare(
    'SELECT key, value FROM connector_state WHERE source_id = ? AND key IN (SELECT value FROM json_each(?))',
  );
  const listFrom = (op: '>=' | '>') =>
    db.prepare(
      `SELECT key, value FROM connector_state
       WHERE source_id = @sourceId AND key ${op} @from AND (@to IS NULL OR key < @to)
       ORDER BY key LIMIT CAST(@limit AS INTEGER)`,
    );
  const listIncl = listFrom('>=');
  const listExcl = listFrom('>');
  return {
    /** Call inside the commit transaction. */
    apply(sourceId: string, change: StateChange | undefined): void {
      if (!change) return;
      if (change.clear) clear.run(sourceId);
      for (const key of change.delete ?? []) del.run(sourceId, key);
      for (const [key, value] of Object.entries(change.set ?? {})) upsert.run(sourceId, key, stateJson(value));
    },
    get(sourceId: string, keys: string[]): Map<string, unknown> {
      const out = new Map<string, unknown>();
      // json_each keeps the statement one prepared query whatever the number of keys.
      for (let i = 0; i < keys.length; i += 5000) {
        const rows = getMany.all(sourceId, JSON.stringify(keys.slice(i, i + 5000))) as Row[];
        for (const r of rows) out.set(r.key, JSON.parse(r.value));
      }
      return out;
    },
    list(sourceId: string, opts: StateListOptions): Array<[string, unknown]> {
      const prefix = opts.prefix ?? '';
      const from = lowerBound(prefix, opts.after);
      const rows = (from.inclusive ? listIncl : listExcl).all({
        sourceId,
        from: from.key,
        to: prefix ? (prefixEnd(prefix) ?? null) : null,
        limit: opts.limit,
      }) as Row[];
      return rows.map((r) => [r.key, JSON.parse(r.value)]);
    },
  };
}

interface Row {
  key: string;
  value: string;
}
