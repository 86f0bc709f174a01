/**
 * What went wrong in a JSON.parse, without the text it choked on. V8 quotes the input ("Unexpected token 'k',
 * "keyring…" is not valid JSON"), and a connector's error reaches run records, the API and logs: a file's content
 * must never travel that way (issue 12). Only the position is kept.
 */
export function jsonErrorText(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (/Unexpected end of JSON input/i.test(message)) return 'the JSON ends early';
  const position = /at position (\d+)/.exec(message)?.[1];
  return position === undefined ? 'invalid JSON' : `invalid JSON at position ${position}`;
}
