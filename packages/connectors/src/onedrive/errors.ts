import { TributaryError } from '@tributary/sdk';

/**
 * What a `@microsoft/microsoft-graph-client` failure (a GraphError) carries: status, Graph's error code from the
 * JSON envelope `{ error: { code, message, innerError } }`, and the response headers (Retry-After).
 * https://learn.microsoft.com/graph/errors
 */
export interface GraphFailure {
  status: number | undefined;
  code: string | undefined;
  message: string;
  retryAfterMs: number | undefined;
}

export function graphFailure(err: unknown): GraphFailure {
  const e = err as { statusCode?: number; code?: string | null; message?: string; headers?: Headers; body?: unknown };
  let code = e.code ?? undefined;
  let message = e.message ?? String(err);
  // The client parses the envelope into code/message; a body it could not parse stays a string.
  if (typeof e.body === 'string' && (!code || !message)) {
    try {
      const parsed = JSON.parse(e.body) as { error?: { code?: string; message?: string }; code?: string };
      code ||= parsed.error?.code ?? parsed.code;
      message ||= parsed.error?.message ?? message;
    } catch {
      // not JSON
    }
  }
  const ra = Number(e.headers?.get?.('retry-after'));
  return {
    status: typeof e.statusCode === 'number' && e.statusCode > 0 ? e.statusCode : undefined,
    code,
    message,
    retryAfterMs: Number.isFinite(ra) && ra >= 0 ? ra * 1000 : undefined,
  };
}

/** Graph codes that mean "start the delta query over" (410 Gone). */
export const RESYNC_CODES = new Set([
  'resyncRequired',
  'resyncChangesApplyDifferences',
  'resyncChangesUploadDifferences',
]);

/**
 * Maps a Graph failure to a TributaryError. 429 and 503 (Graph's throttling answers, with Retry-After) are
 * `rate_limited`; other 5xx `upstream_unavailable`; 401 `auth_expired` (the caller refreshes once); 403
 * `permission_denied`; 404 `not_found`; 410 `cursor_invalid` with `details.resync`.
 */
export function toGraphError(err: unknown, what: string): TributaryError {
  if (err instanceof TributaryError) return err;
  const f = graphFailure(err);
  const details = { graphStatus: f.status, graphCode: f.code };
  // The client's error may hold the request; chain a plain copy so no Authorization header travels.
  const cause = Object.assign(new Error(f.message), { status: f.status, code: f.code });
  const msg = `${what}: ${f.message}`;
  const ra = f.retryAfterMs !== undefined ? { retryAfterMs: f.retryAfterMs } : {};
  if (f.status === 429 || f.status === 503)
    return new TributaryError('rate_limited', `${msg} (Graph ${f.status} ${f.code ?? ''}: slowing down)`.trim(), {
      cause,
      details,
      ...ra,
    });
  if (f.status === 401)
    return new TributaryError('auth_expired', `${msg} — the access token is invalid or expired: connect again`, {
      cause,
      details,
    });
  if (f.status === 403)
    return new TributaryError(
      'permission_denied',
      `${msg} — the grant lacks Files.Read.All (or the drive is not shared with you)`,
      {
        cause,
        details,
      },
    );
  if (f.status === 404) return new TributaryError('not_found', msg, { cause, details });
  if (f.status === 410 || (f.code && RESYNC_CODES.has(f.code)))
    return new TributaryError('cursor_invalid', `${msg} (the delta link expired: a full re-sync follows)`, {
      cause,
      details: { ...details, resync: true },
    });
  if (f.status === undefined || f.status >= 500)
    return new TributaryError('upstream_unavailable', msg, { cause, details, ...ra });
  return new TributaryError('upstream_error', msg, { cause, details });
}
