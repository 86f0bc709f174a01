import { TributaryError } from '@tributary/sdk/errors';

/** The timeline's opaque cursor (time and row id of the last entry), the same on both adapters. */
export function encodeCursor(time: string, id: number): string {
  return Buffer.from(JSON.stringify([time, id])).toString('base64url');
}

/** @throws TributaryError `invalid_input` for a cursor this server did not give out */
export function decodeCursor(cursor: string): [string, number] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && typeof value[0] === 'string' && typeof value[1] === 'number')
      return [value[0], value[1]];
  } catch {
    // fall through
  }
  throw new TributaryError(
    'invalid_input',
    'The timeline cursor is not one this server gave out; start again without a cursor.',
    {
      issues: [{ path: 'cursor', message: 'malformed cursor' }],
    },
  );
}
