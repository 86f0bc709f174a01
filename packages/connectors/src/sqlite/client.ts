import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { TributaryError } from '@tributary/sdk';

export type Db = Database.Database;
export type Row = Record<string, unknown>;

/** `"name"` with embedded quotes doubled: identifiers from config never reach SQL unquoted. */
export const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** Aliases under which the cursor and tie-break values are selected (rowid is not part of `*`). */
export const CURSOR_ALIAS = '__tributary_cursor';
export const TIE_ALIAS = '__tributary_tie';

/**
 * Opens the database read-only. A WAL database written by another process is fine: each statement reads a
 * committed snapshot and never blocks the writer.
 * @throws TributaryError `invalid_config` when the file does not exist or is not a SQLite database
 */
export function openReadOnly(dbPath: string): Db {
  if (!existsSync(dbPath)) throw new TributaryError('invalid_config', `config.dbPath: "${dbPath}" does not exist`);
  try {
    const db = new Database(dbPath, { readonly: true, fileMustExist: true, timeout: 5000 });
    db.prepare('SELECT 1 FROM sqlite_master LIMIT 1').get();
    return db;
  } catch (err) {
    if (err instanceof TributaryError) throw err;
    const code = (err as { code?: string }).code;
    if (code === 'SQLITE_BUSY')
      throw new TributaryError('upstream_unavailable', `"${dbPath}" is locked; retry later`, { cause: err });
    throw new TributaryError(
      'invalid_config',
      `config.dbPath: "${dbPath}" is not a readable SQLite database (${(err as Error).message})`,
      { cause: err },
    );
  }
}

export interface PageQuerySpec {
  table?: string;
  query?: string;
  cursorColumn: string;
  cursorType: 'integer' | 'timestamp';
  tieBreakColumn: string;
}

/**
 * The two statements of a paged read: the first page (no cursor yet) and the next pages
 * (`c > ?` for ids; `c > ? OR (c = ? AND tie > ?)` for timestamps), both `ORDER BY` the cursor and `LIMIT CAST(? AS INTEGER)`.
 */
export function pageStatements(db: Db, spec: PageQuerySpec): { first: Database.Statement; next: Database.Statement } {
  const c = quoteIdent(spec.cursorColumn);
  const t = quoteIdent(spec.tieBreakColumn);
  const from = spec.table !== undefined ? quoteIdent(spec.table) : `(${spec.query!.replace(/;\s*$/, '')}) AS q`;
  const select = `SELECT *, ${c} AS ${CURSOR_ALIAS}${spec.cursorType === 'timestamp' ? `, ${t} AS ${TIE_ALIAS}` : ''} FROM ${from}`;
  const order = spec.cursorType === 'timestamp' ? `ORDER BY ${c}, ${t}` : `ORDER BY ${c}`;
  const where = spec.cursorType === 'timestamp' ? `WHERE ${c} > ? OR (${c} = ? AND ${t} > ?)` : `WHERE ${c} > ?`;
  try {
    const first = db.prepare(`${select} WHERE ${c} IS NOT NULL ${order} LIMIT CAST(? AS INTEGER)`);
    const next = db.prepare(`${select} ${where} ${order} LIMIT CAST(? AS INTEGER)`);
    if (!first.reader || !next.reader) throw new TributaryError('invalid_config', 'config.query must be a SELECT');
    return { first, next };
  } catch (err) {
    if (err instanceof TributaryError) throw err;
    const what = spec.table !== undefined ? `table "${spec.table}"` : 'config.query';
    throw new TributaryError(
      'invalid_config',
      `Cannot read ${what} by cursor column "${spec.cursorColumn}": ${(err as Error).message}`,
      { cause: err },
    );
  }
}
