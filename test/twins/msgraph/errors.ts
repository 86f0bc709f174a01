import { randomUUID } from 'node:crypto';
import type { TwinResponse } from '../kit/index.js';

/** Graph's error envelope (https://learn.microsoft.com/graph/errors): `{ error: { code, message, innerError } }`. */
export function graphError(status: number, code: string, message: string, headers: Record<string, string> = {}) {
  return {
    status,
    headers,
    body: {
      error: {
        code,
        message,
        innerError: {
          date: new Date().toISOString().slice(0, 19),
          'request-id': randomUUID(),
          'client-request-id': randomUUID(),
        },
      },
    },
  } satisfies TwinResponse;
}

/** 401 for an expired or unknown access token, as Graph answers it. */
export const expiredToken = (): TwinResponse =>
  graphError(401, 'InvalidAuthenticationToken', 'Access token has expired or is not yet valid.', {
    'www-authenticate':
      'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize"',
  });

/** 429 (or 503) with Retry-After, as Graph throttles (https://learn.microsoft.com/graph/throttling). */
export const throttled = (retryAfterSec: number, status: 429 | 503 = 429): TwinResponse =>
  status === 429
    ? graphError(429, 'activityLimitReached', 'The request has been throttled', {
        'retry-after': String(retryAfterSec),
      })
    : graphError(503, 'serviceNotAvailable', 'Service Unavailable', { 'retry-after': String(retryAfterSec) });

/** 410 Gone for a delta link Graph no longer accepts. */
export const resyncRequired = (): TwinResponse =>
  graphError(
    410,
    'resyncRequired',
    'Resync required. Replace any local items with the server version (including deletes) if you are sure that the service was up to date with your local changes when you last sync-ed.',
  );

export const bearerOf = (headers: Record<string, string>): string | undefined =>
  /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '')?.[1];
