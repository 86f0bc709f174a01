import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { TributaryError, toTributaryError, zodIssues, type ErrorCode, type ErrorIssue } from '@tributary/sdk';

/** The one error body of every route: `{ "error": { "code", "message", "issues"? } }`. */
export interface ErrorEnvelope {
  error: { code: ErrorCode; message: string; issues?: ErrorIssue[] };
}

/**
 * The ONE table from error codes to HTTP statuses. Every code is listed (the `satisfies` makes a new code a compile
 * error here until it is mapped). Codes that come from a connector's upstream (auth_invalid, rate_limited of a
 * provider …) only reach the API through a sync run; mapped here anyway so nothing falls through.
 */
export const HTTP_STATUS = {
  invalid_config: 400,
  invalid_input: 400,
  invalid_query: 400,
  path_outside_root: 400,
  cursor_invalid: 400,
  record_invalid: 400,
  not_found: 404,
  conflict: 409,
  connector_disabled: 409,
  already_running: 409,
  unauthenticated: 401,
  forbidden: 403,
  // Insufficient Storage: a budget or the disk reserve stops the write (the request itself is fine).
  budget_exceeded: 507,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  store_unavailable: 503,
  upstream_unavailable: 500,
  auth_invalid: 500,
  auth_expired: 500,
  reauthorization_required: 500,
  permission_denied: 500,
  upstream_error: 500,
  timeout: 500,
  aborted: 500,
  incompatible_connector: 500,
  secret_key_invalid: 500,
  // The request is fine; this server lacks the part (OAuth without a vault): Not Implemented, not a crash.
  unsupported: 501,
  internal: 500,
} as const satisfies Record<ErrorCode, ContentfulStatusCode>;

/** Codes whose message may carry internals (stack-ish text, SQL, paths): replaced by a generic text. */
const OPAQUE: ReadonlySet<ErrorCode> = new Set(['internal', 'secret_key_invalid']);

/** Maps anything thrown to a status and the envelope. Never leaks an internal message. */
export function toHttpError(err: unknown): {
  status: ContentfulStatusCode;
  body: ErrorEnvelope;
  retryAfterMs?: number;
} {
  const e = fromHttpException(err) ?? toTributaryError(err);
  const status = HTTP_STATUS[e.code];
  const message = OPAQUE.has(e.code) ? 'Internal error; see the server log.' : e.message;
  const body: ErrorEnvelope = { error: { code: e.code, message, ...(e.issues?.length ? { issues: e.issues } : {}) } };
  return { status, body, ...(e.retryAfterMs !== undefined ? { retryAfterMs: e.retryAfterMs } : {}) };
}

/** Hono's own exceptions (malformed JSON from the validator, body limit) in our codes. */
function fromHttpException(err: unknown): TributaryError | undefined {
  if (!(err instanceof HTTPException)) return undefined;
  if (err.status === 413) return payloadTooLarge();
  if (err.status === 400) {
    return new TributaryError('invalid_input', `Malformed request body: ${err.message}`, {
      issues: [{ path: 'body', message: err.message || 'malformed JSON' }],
    });
  }
  if (err.status === 401) return new TributaryError('unauthenticated', err.message || 'Unauthenticated.');
  if (err.status === 415) return unsupportedMediaType();
  // Any other client error Hono raises is still the client's: never dress it up as a 500.
  if (err.status >= 400 && err.status < 500)
    return new TributaryError('invalid_input', err.message || `Bad request (${err.status}).`);
  return new TributaryError('internal', err.message, { cause: err });
}

/** A body in a content type the route does not take (form data on a JSON route). */
export function unsupportedMediaType(): TributaryError {
  return new TributaryError(
    'unsupported_media_type',
    'This route takes a JSON body: send it with Content-Type: application/json.',
    { issues: [{ path: 'header.content-type', message: 'expected application/json' }] },
  );
}

/** The body-size error, naming the limit. */
export function payloadTooLarge(limitBytes?: number): TributaryError {
  const limit = limitBytes === undefined ? 'the size limit' : `${limitBytes} bytes`;
  return new TributaryError('payload_too_large', `Request body is over ${limit}; send smaller batches.`, {
    issues: [{ path: 'body', message: `larger than ${limit}` }],
  });
}

/** A zod failure of one request part (`json`, `query`, `param`) as `invalid_input` with an issue per field. */
export function validationError(
  target: string,
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string; code?: string; keys?: string[] }>,
): TributaryError {
  const where = target === 'json' ? '' : target === 'param' ? 'path' : target;
  // "Unrecognized key(s)" names the keys in `keys`, not in the path: put each on the path so clients see the field.
  const expanded = issues.flatMap((i): Array<{ path: ReadonlyArray<PropertyKey>; message: string }> =>
    i.code === 'unrecognized_keys' && i.keys?.length
      ? i.keys.map((k) => ({ path: [...i.path, k], message: 'unknown field' }))
      : [i],
  );
  const list = zodIssues(expanded, where);
  return new TributaryError(
    'invalid_input',
    `Invalid request: ${list.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
    {
      issues: list,
    },
  );
}
