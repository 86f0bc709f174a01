import { hash } from 'node:crypto';
import { TributaryError } from '@tributary/sdk/errors';
import type { RankedSearchQuery, SearchMode } from './types.js';

interface CursorState {
  mode: SearchMode;
  offset: number;
}

/** What a cursor is bound to: the query text, syntax, mode and every filter (not the page size). */
function fingerprint(query: RankedSearchQuery, mode: SearchMode): string {
  const { cursor: _c, limit: _l, mode: _m, offset: _o, ...rest } = query;
  const canonical = JSON.stringify(rest, Object.keys(rest).sort());
  return hash('sha256', `${mode}\n${canonical}`, 'base64url').slice(0, 16);
}

/** An opaque cursor: the next offset, bound to this query so it cannot page another one. */
export function encodeSearchCursor(query: RankedSearchQuery, state: CursorState): string {
  return Buffer.from(JSON.stringify({ m: state.mode, o: state.offset, f: fingerprint(query, state.mode) })).toString(
    'base64url',
  );
}

/** @throws TributaryError `invalid_input` (field `cursor`) for a cursor this query did not hand out */
export function decodeSearchCursor(query: RankedSearchQuery, cursor: string): CursorState {
  const bad = (why: string) =>
    new TributaryError('invalid_input', `The search cursor ${why}; start again without a cursor.`, {
      issues: [{ path: 'cursor', message: why }],
    });
  let value: { m?: unknown; o?: unknown; f?: unknown };
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad('is malformed');
  }
  const mode = value?.m;
  if (
    (mode !== 'keyword' && mode !== 'semantic' && mode !== 'hybrid') ||
    typeof value.o !== 'number' ||
    !Number.isInteger(value.o) ||
    value.o < 0
  )
    throw bad('is malformed');
  if (value.f !== fingerprint(query, mode)) throw bad('belongs to another query, mode or filters');
  return { mode, offset: value.o };
}
