import { timingSafeEqual } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { WebhookRequest } from '@tributary/sdk';

/** Compares two secrets in constant time (different lengths are simply unequal). */
export function secretEquals(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function headerOf(req: WebhookRequest, name: string): string | undefined {
  const key = Object.keys(req.headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : req.headers[key];
}

const keySets = new Map<string, JWTVerifyGetKey>();

/** Google's issuers of push-subscription tokens. */
const GOOGLE_ISSUERS = ['https://accounts.google.com', 'accounts.google.com'];

/**
 * Verifies the OIDC token a Pub/Sub push subscription sends in `Authorization: Bearer …`
 * (https://cloud.google.com/pubsub/docs/authenticate-push-subscriptions): signature against Google's JWKS, issuer,
 * audience, expiry, and — when given — the service account's verified email.
 * @returns undefined when valid, else why not
 */
export async function pushJwtProblem(
  req: WebhookRequest,
  opts: { audience: string; jwksUrl: string; serviceAccountEmail?: string | undefined; nowMs: number },
): Promise<string | undefined> {
  const m = /^Bearer\s+(\S+)$/i.exec(headerOf(req, 'authorization') ?? '');
  if (!m) return 'no bearer token';
  let keys = keySets.get(opts.jwksUrl);
  if (!keys) {
    keys = createRemoteJWKSet(new URL(opts.jwksUrl));
    keySets.set(opts.jwksUrl, keys);
  }
  try {
    const { payload } = await jwtVerify(m[1]!, keys, {
      issuer: GOOGLE_ISSUERS,
      audience: opts.audience,
      currentDate: new Date(opts.nowMs),
    });
    if (opts.serviceAccountEmail && (payload.email !== opts.serviceAccountEmail || payload.email_verified !== true))
      return 'token is not from the configured service account';
    return undefined;
  } catch (err) {
    return `token does not verify: ${(err as Error).message}`;
  }
}
