import type { AuthStore, TokenRecord, UserRecord } from '@tributary/engine';
import { TributaryError } from '@tributary/sdk';
import { hashToken } from './tokens.js';

/** Who is calling: the token's user and the token itself. */
export interface Principal {
  user: UserRecord;
  token: TokenRecord;
}

/** How often `last_used_at` is written per token (a write per request would cost throughput). */
const TOUCH_EVERY_MS = 60_000;

/**
 * Resolves an `Authorization: Bearer <token>` header to a principal.
 * @throws TributaryError `unauthenticated` when the header is missing or the token unknown or revoked
 */
export function createAuthenticator(store: AuthStore, now: () => number = Date.now) {
  const touched = new Map<string, number>();
  return async (header: string | undefined): Promise<Principal> => {
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) throw new TributaryError('unauthenticated', 'Missing API token: send "Authorization: Bearer <token>".');
    const token = await store.findTokenByHash(hashToken(match[1]!));
    if (!token || token.revokedAt) throw new TributaryError('unauthenticated', 'Unknown or revoked API token.');
    const user = await store.getUser(token.userId);
    if (!user) throw new TributaryError('unauthenticated', 'Unknown or revoked API token.');
    const last = touched.get(token.id) ?? 0;
    if (now() - last > TOUCH_EVERY_MS) {
      touched.set(token.id, now());
      await store.touchToken(token.id);
    }
    return { user, token };
  };
}

/** @throws `forbidden` unless the principal may write (not read-only, not a metrics token). */
export function requireWrite(p: Principal): void {
  if (p.token.readOnly) throw new TributaryError('forbidden', 'This token is read-only.');
}

/** @throws `forbidden` unless the principal's user is an admin. */
export function requireAdmin(p: Principal): void {
  if (!p.user.isAdmin) throw new TributaryError('forbidden', 'Only an admin token may manage users and tokens.');
  requireWrite(p);
}

export type Authenticator = ReturnType<typeof createAuthenticator>;
