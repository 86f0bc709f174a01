import { TributaryError } from '@tributary/sdk';

/**
 * Google's JSON error envelope: `{ error: { code, message, errors: [{ reason, domain }], status } }`.
 * https://cloud.google.com/apis/design/errors#http_mapping and, for the per-API reasons,
 * https://developers.google.com/gmail/api/guides/handle-errors
 */
interface GoogleErrorBody {
  error?: { code?: number; message?: string; status?: string; errors?: Array<{ reason?: string; domain?: string }> };
}

/** What an official-client failure (a GaxiosError) carries that we classify by. */
export interface GoogleFailure {
  status: number | undefined;
  reason: string | undefined;
  message: string;
  retryAfterMs: number | undefined;
}

/** Reasons Google answers with 403 (or 429) that mean "slow down", not "forbidden". */
const RATE_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'quotaExceeded', 'dailyLimitExceeded']);

function header(headers: unknown, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const v = (headers as Record<string, unknown>)[name];
  return typeof v === 'string' ? v : undefined;
}

/** Reads status, reason, message and `Retry-After` off an error thrown by a `@googleapis/*` client. */
export function googleFailure(err: unknown): GoogleFailure {
  const e = err as { status?: number; response?: { status?: number; data?: unknown; headers?: unknown } };
  const status = e.response?.status ?? e.status;
  let data = e.response?.data as GoogleErrorBody | string | ArrayBuffer | undefined;
  // A call made with responseType text or arraybuffer (exports, downloads) gets its error body unparsed.
  if (data instanceof ArrayBuffer) data = Buffer.from(data).toString('utf8');
  if (typeof data === 'string') {
    try {
      data = JSON.parse(data) as GoogleErrorBody;
    } catch {
      // not JSON: keep the text as the message
    }
  }
  const body = typeof data === 'object' && data !== null && !(data instanceof ArrayBuffer) ? data.error : undefined;
  const reason = body?.errors?.[0]?.reason ?? body?.status;
  const ra = Number(header(e.response?.headers, 'retry-after'));
  return {
    status,
    reason,
    message: body?.message ?? (err as Error)?.message ?? String(err),
    retryAfterMs: Number.isFinite(ra) && ra >= 0 ? ra * 1000 : undefined,
  };
}

/** Whether a failure is one of Google's rate limits (429, or 403 with a rate reason). */
export function isGoogleRateLimit(f: GoogleFailure): boolean {
  return f.status === 429 || (f.status === 403 && f.reason !== undefined && RATE_REASONS.has(f.reason));
}

/**
 * Maps a Google API failure to a TributaryError with a code and a fix. `what` names the call ("Gmail
 * users.messages.get"). Expired cursors (404/410) are left to the caller, which knows which call has a cursor.
 */
export function toGoogleError(err: unknown, what: string): TributaryError {
  if (err instanceof TributaryError) return err;
  const f = googleFailure(err);
  // The client's error holds the request config, Authorization header included: chain a plain copy instead.
  err = Object.assign(new Error(f.message), { status: f.status, reason: f.reason });
  const details = { googleStatus: f.status, googleReason: f.reason };
  const msg = `${what}: ${f.message}`;
  if (isGoogleRateLimit(f))
    return new TributaryError('rate_limited', `${msg} (Google ${f.reason ?? f.status}: slowing down)`, {
      cause: err,
      details,
      ...(f.retryAfterMs !== undefined ? { retryAfterMs: f.retryAfterMs } : {}),
    });
  if (f.status === 401)
    return new TributaryError('auth_expired', `${msg} — the access token is invalid or expired: connect again`, {
      cause: err,
      details,
    });
  if (f.status === 403)
    return new TributaryError(
      'permission_denied',
      `${msg} — the grant lacks a scope or the API is not enabled for the project`,
      { cause: err, details },
    );
  if (f.status === 404) return new TributaryError('not_found', msg, { cause: err, details });
  if (f.status === 410) return new TributaryError('cursor_invalid', msg, { cause: err, details });
  if (f.status === 400) return new TributaryError('upstream_error', msg, { cause: err, details });
  if (f.status === undefined || f.status >= 500 || f.status === 408)
    return new TributaryError('upstream_unavailable', msg, { cause: err, details });
  return new TributaryError('upstream_error', msg, { cause: err, details });
}
