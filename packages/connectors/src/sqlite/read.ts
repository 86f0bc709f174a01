import type { Item, Page, ReadContext } from '@tributary/sdk';
import { TributaryError } from '@tributary/sdk';
import { CURSOR_ALIAS, openReadOnly, pageStatements, TIE_ALIAS, type PageQuerySpec, type Row } from './client.js';
import type { SqliteCheckpoint } from './checkpoint.js';
import { toRowOutcome, type RowMapping } from './map.js';

/** Everything the paged reader needs; the `sqlite` connector builds it from its config, presets fix most of it. */
export interface SqliteReadSpec extends PageQuerySpec {
  dbPath: string;
  pageSize: number;
  mapping: RowMapping;
}

type Errors = NonNullable<Page['errors']>;

/**
 * One pass over the rows after the checkpoint's cursor, `pageSize` rows per query, until a page comes back short.
 *
 * Why a cursor on an INTEGER PRIMARY KEY misses nothing while another process writes: SQLite has one writer at a
 * time, and a rowid is assigned at INSERT inside the write transaction, so ids grow in commit order; a reader only
 * sees committed rows (each query reads one committed snapshot, WAL readers never see a transaction in flight).
 * Hence every row committed later has a larger id than any row already seen, and `id > max(id seen)` is complete.
 * (Ids the application picks itself, or rowids reused after deleting the largest row without AUTOINCREMENT, break
 * this; use a timestamp cursor or AUTOINCREMENT there.)
 *
 * A timestamp cursor can repeat, so the cursor is `(ts, tie)` with `ts > ? OR (ts = ? AND tie > ?)`.
 */
export async function* readSqlite(
  ctx: ReadContext<unknown, SqliteCheckpoint>,
  spec: SqliteReadSpec,
): AsyncGenerator<Page<SqliteCheckpoint>> {
  const previous = ctx.checkpoint;
  if (previous && previous.column !== spec.cursorColumn) {
    throw new TributaryError(
      'cursor_invalid',
      `The checkpoint is for cursor column "${previous.column}", the config now says "${spec.cursorColumn}": a full re-sync follows`,
    );
  }
  const timestamp = spec.cursorType === 'timestamp';
  const db = openReadOnly(spec.dbPath);
  try {
    const { first, next } = pageStatements(db, spec);
    let cursor: SqliteCheckpoint | undefined = previous;
    for (;;) {
      ctx.signal.throwIfAborted();
      const at = cursor?.cursor;
      const params =
        at === undefined
          ? [spec.pageSize]
          : timestamp
            ? [at, at, cursor?.tie ?? -Infinity, spec.pageSize]
            : [at, spec.pageSize];
      let rows: Row[];
      try {
        rows = (at === undefined ? first : next).all(...params) as Row[];
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code === 'SQLITE_BUSY')
          throw new TributaryError('upstream_unavailable', `"${spec.dbPath}" is busy; retry later`, { cause: err });
        throw new TributaryError('upstream_error', `Reading "${spec.dbPath}" failed: ${(err as Error).message}`, {
          cause: err,
        });
      }
      if (rows.length === 0) break;
      const page = toPage(rows, spec, timestamp);
      for (const part of page) {
        cursor = part.checkpoint;
        yield part;
      }
      ctx.progress({ phase: 'reading', message: `${spec.cursorColumn} ${String(cursor?.cursor)}` });
      if (rows.length < spec.pageSize) break;
    }
    // Always end with the current checkpoint, so a read with nothing new still commits one.
    if (cursor === previous) yield { items: [], checkpoint: previous ?? { column: spec.cursorColumn } };
  } finally {
    db.close();
  }
}

/**
 * Rows of one query → pages. Several rows may touch one record (insert, then update, then delete, in a change
 * stream): within a page the latest version wins, and a record deleted then written again starts a new page, so
 * "items, then deletes" applied per page gives the right final state.
 */
function toPage(rows: Row[], spec: SqliteReadSpec, timestamp: boolean): Array<Page<SqliteCheckpoint>> {
  const pages: Array<Page<SqliteCheckpoint>> = [];
  let items = new Map<string, Item>();
  let deletes = new Set<string>();
  let errors: Errors = [];
  let checkpoint: SqliteCheckpoint | undefined;
  const flush = (): void => {
    if (!checkpoint) return;
    pages.push({ items: [...items.values()], deletes: [...deletes], checkpoint, ...(errors.length ? { errors } : {}) });
    items = new Map();
    deletes = new Set();
    errors = [];
  };
  for (const row of rows) {
    const outcome = toRowOutcome(row, spec.mapping);
    if (outcome.kind === 'item') {
      const id = outcome.item.externalId;
      if (deletes.has(id)) flush();
      items.delete(id); // re-insert keeps page order = last write order
      items.set(id, outcome.item);
    } else if (outcome.kind === 'delete') {
      items.delete(outcome.externalId);
      deletes.add(outcome.externalId);
    } else {
      errors.push({ message: outcome.message });
    }
    const value = row[CURSOR_ALIAS];
    const tie = row[TIE_ALIAS];
    checkpoint = {
      column: spec.cursorColumn,
      cursor: typeof value === 'bigint' ? Number(value) : (value as number | string),
      ...(timestamp ? { tie: typeof tie === 'bigint' ? Number(tie) : (tie as number | string) } : {}),
    };
  }
  flush();
  return pages;
}
