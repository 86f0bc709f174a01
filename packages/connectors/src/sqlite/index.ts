import { defineConnector } from '@tributary/sdk';
import { CURSOR_ALIAS, openReadOnly, pageStatements, TIE_ALIAS } from './client.js';
import { type SqliteConfig } from './config.js';
import { readSqlite, type SqliteReadSpec } from './read.js';
import { sqliteManifest } from './manifest.js';

/** The reader spec of a `sqlite` source. */
export function specOf(config: SqliteConfig): SqliteReadSpec {
  const idColumn =
    config.columns.externalId ?? (config.cursorType === 'timestamp' ? config.tieBreakColumn : config.cursorColumn);
  return {
    dbPath: config.dbPath,
    ...(config.table !== undefined ? { table: config.table } : {}),
    ...(config.query !== undefined ? { query: config.query } : {}),
    cursorColumn: config.cursorColumn,
    cursorType: config.cursorType,
    tieBreakColumn: config.tieBreakColumn,
    pageSize: config.pageSize,
    mapping: {
      columns: config.columns,
      // The cursor and tie-break columns are also selected under aliases (rowid is not part of `*`).
      idColumn:
        idColumn === config.cursorColumn
          ? CURSOR_ALIAS
          : idColumn === config.tieBreakColumn && config.cursorType === 'timestamp'
            ? TIE_ALIAS
            : idColumn,
      contentType: config.contentType,
      stream: 'rows',
      ...(config.deleteWhen ? { deleteWhen: config.deleteWhen } : {}),
    },
  };
}

/** Opens the database and prepares the paged statements: what `check` of sqlite-based connectors verifies. */
export async function checkSpec(spec: SqliteReadSpec): Promise<{ ok: boolean; message: string }> {
  try {
    const db = openReadOnly(spec.dbPath);
    try {
      pageStatements(db, spec);
    } finally {
      db.close();
    }
    return { ok: true, message: `${spec.dbPath}: ${spec.table ?? 'query'} readable by ${spec.cursorColumn}` };
  } catch (err) {
    return { ok: false, message: (err as Error).message };
  }
}

/**
 * Any SQLite table or query with a monotonic cursor column (an INTEGER PRIMARY KEY or a timestamp), read in pages
 * of `pageSize` rows ordered by the cursor; columns map to item fields; an optional delete marker column turns rows
 * into deletions. The database is opened read-only, so a live app may keep writing (WAL).
 */
export const sqliteConnector = defineConnector({
  manifest: sqliteManifest,
  check: async (ctx) => checkSpec(specOf(ctx.config)),
  read: (ctx) => readSqlite(ctx, specOf(ctx.config)),
});

export default sqliteConnector;
