import type { TwinResponse } from '../kit/index.js';

/**
 * Google's error bodies, as documented: https://developers.google.com/gmail/api/guides/handle-errors,
 * https://developers.google.com/drive/api/guides/handle-errors, https://cloud.google.com/apis/design/errors.
 */
export function googleError(
  code: number,
  reason: string,
  message: string,
  extra: { domain?: string; status?: string; headers?: Record<string, string> } = {},
): TwinResponse {
  return {
    status: code,
    headers: extra.headers ?? {},
    body: {
      error: {
        code,
        message,
        errors: [{ message, domain: extra.domain ?? 'global', reason }],
        ...(extra.status ? { status: extra.status } : {}),
      },
    },
  };
}

/** 401 for a missing, unknown or expired access token. */
export const invalidCredentials = (): TwinResponse =>
  googleError(401, 'authError', 'Invalid Credentials', { status: 'UNAUTHENTICATED' });

/** 429 Too many requests (per-user quota), as Gmail answers it. */
export const rateLimitExceeded = (): TwinResponse =>
  googleError(429, 'rateLimitExceeded', 'Rate Limit Exceeded', { domain: 'usageLimits', status: 'RESOURCE_EXHAUSTED' });

/** 403 User rate limit exceeded (Drive, Calendar, and Gmail's older answer). */
export const userRateLimitExceeded = (): TwinResponse =>
  googleError(403, 'userRateLimitExceeded', 'User Rate Limit Exceeded', { domain: 'usageLimits' });

export const notFound = (message = 'Requested entity was not found.'): TwinResponse =>
  googleError(404, 'notFound', message, { status: 'NOT_FOUND' });

/** The bearer token of a request, if any. */
export function bearerOf(headers: Record<string, string>): string | undefined {
  const m = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '');
  return m?.[1];
}
