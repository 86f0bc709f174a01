import { describe, expect, it } from 'vitest';
import { googleFailure, isGoogleRateLimit, toGoogleError } from './errors.js';

/** A failure shaped like gaxios' GaxiosError (status, response data and headers). */
const gaxios = (status: number, data: unknown, headers: Record<string, string> = {}) =>
  Object.assign(new Error(`Request failed with status code ${status}`), {
    status,
    config: { headers: { Authorization: 'Bearer ya29.secret-token' } },
    response: { status, data, headers: new Headers(headers) },
  });
const body = (code: number, reason: string) => ({
  error: { code, message: `m-${reason}`, errors: [{ reason, domain: 'usageLimits' }] },
});

describe('Google API errors', () => {
  it('maps 429 and 403 rate reasons to rate_limited (with Retry-After), other 403s to permission_denied', () => {
    const r429 = toGoogleError(gaxios(429, body(429, 'rateLimitExceeded'), { 'retry-after': '3' }), 'Gmail x');
    expect(r429).toMatchObject({ code: 'rate_limited', retryable: true, retryAfterMs: 3000 });
    for (const reason of ['userRateLimitExceeded', 'rateLimitExceeded', 'quotaExceeded'])
      expect(toGoogleError(gaxios(403, body(403, reason)), 'x').code).toBe('rate_limited');
    expect(toGoogleError(gaxios(403, body(403, 'insufficientPermissions')), 'x')).toMatchObject({
      code: 'permission_denied',
      retryable: false,
    });
  });

  it('maps 401, 404, 410, 400 and 5xx, and reads bodies that arrived as text or bytes', () => {
    expect(toGoogleError(gaxios(401, body(401, 'authError')), 'x').code).toBe('auth_expired');
    expect(toGoogleError(gaxios(404, body(404, 'notFound')), 'x').code).toBe('not_found');
    expect(toGoogleError(gaxios(410, body(410, 'fullSyncRequired')), 'x').code).toBe('cursor_invalid');
    expect(toGoogleError(gaxios(400, body(400, 'invalid')), 'x')).toMatchObject({
      code: 'upstream_error',
      details: { googleStatus: 400 },
    });
    expect(toGoogleError(gaxios(503, 'Service Unavailable'), 'x')).toMatchObject({
      code: 'upstream_unavailable',
      retryable: true,
    });
    const text = gaxios(403, JSON.stringify(body(403, 'userRateLimitExceeded')));
    expect(isGoogleRateLimit(googleFailure(text))).toBe(true);
    const bytes = gaxios(403, new TextEncoder().encode(JSON.stringify(body(403, 'exportSizeLimitExceeded'))).buffer);
    expect(googleFailure(bytes).reason).toBe('exportSizeLimitExceeded');
  });

  it('never chains the client error, whose config carries the Authorization header', () => {
    const e = toGoogleError(gaxios(500, body(500, 'backendError')), 'Drive files.list');
    expect(JSON.stringify({ message: e.message, cause: e.cause, details: e.details })).not.toContain('ya29');
    expect((e.cause as { config?: unknown }).config).toBeUndefined();
  });
});
