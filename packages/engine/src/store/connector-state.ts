/**
 * Connector state (DESIGN §1): per-source key → JSON value records a connector keeps between runs, written by
 * `commitPage` in the page's transaction and read back page by page. Shared by both store adapters.
 */

/** What one page changes: `clear` (drop every record of the source) first, then `delete`, then `set`. */
export interface StateChange {
  /** Drop all records of the source first: the first page of a run that started without a checkpoint. */
  clear?: boolean;
  set?: Record<string, unknown>;
  delete?: string[];
}

export interface StateListOptions {
  /** Only keys starting with this. */
  prefix?: string;
  /** Keyset paging: only keys strictly after this one. */
  after?: string;
  /** Page size. */
  limit: number;
}

/**
 * The smallest string above every string that starts with `prefix`, in code point order (which is UTF-8 byte
 * order: SQLite's BINARY and PostgreSQL's "C" collation), so a prefix scan is an index range `[prefix, end)`.
 * Undefined when there is none (empty prefix, or only U+10FFFF characters).
 */
export function prefixEnd(prefix: string): string | undefined {
  const cps = [...prefix].map((c) => c.codePointAt(0)!);
  while (cps.length) {
    const last = cps.pop()!;
    if (last < 0x10ffff) {
      cps.push(last + 1 === 0xd800 ? 0xe000 : last + 1);
      return String.fromCodePoint(...cps);
    }
  }
  return undefined;
}

/**
 * The one lower bound of a keyset page: `key > after` when `after` is at or past the prefix, else `key >= prefix`.
 * (Two lower bounds in one query make SQLite pick one for the index range and filter the other row by row, so a
 * late page would rescan everything before it.)
 */
export function lowerBound(prefix: string, after: string | undefined): { key: string; inclusive: boolean } {
  // Byte order, as the stores compare (JS `>=` compares UTF-16 units, which differs past the BMP).
  return after !== undefined && Buffer.compare(Buffer.from(after), Buffer.from(prefix)) >= 0
    ? { key: after, inclusive: false }
    : { key: prefix, inclusive: true };
}

/** JSON text of a state value (`undefined` is stored as null, as JSON.stringify would in an array). */
export function stateJson(value: unknown): string {
  return JSON.stringify(value) ?? 'null';
}
