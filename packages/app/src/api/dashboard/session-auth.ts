import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AuthStore } from '@tributary/engine';
import { TributaryError } from '@tributary/sdk';
import type { Principal } from '../../auth/authenticate.js';
import type { SessionStore } from './sessions.js';
import { sameSecret } from './sessions.js';

/** The session cookie (HttpOnly, SameSite=Strict; its value is a random id, never a token). */
export const SESSION_COOKIE = 'tributary_session';
/** Header carrying the session's CSRF token on every request that changes something. */
export const CSRF_HEADER = 'x-csrf-token';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The request's own origin as the browser sees it (`Host` header, scheme of the URL). */
export function ownOrigin(c: Context): string {
  const url = new URL(c.req.url);
  return `${url.protocol}//${c.req.header('host') ?? url.host}`;
}

/**
 * Refuses a cross-site write: an `Origin` (or, without it, a `Referer`) of another site. Browsers send Origin on
 * every POST, PATCH and DELETE, so a forged form from elsewhere stops here even before the CSRF token is checked.
 * @throws TributaryError `forbidden`
 */
export function assertSameOrigin(c: Context): void {
  const origin = c.req.header('origin') ?? (c.req.header('referer') ? new URL(c.req.header('referer')!).origin : null);
  if (origin !== null && origin !== ownOrigin(c))
    throw new TributaryError('forbidden', 'Cross-site request refused.', {
      issues: [{ path: 'header.origin', message: 'not this site' }],
    });
}

/**
 * The principal of a dashboard session cookie, or undefined when the request carries none (then the bearer token
 * decides). A write must carry the session's CSRF token in `X-CSRF-Token` and come from this origin.
 * @throws TributaryError `unauthenticated` (expired/unknown session, revoked token), `forbidden` (CSRF)
 */
export async function sessionPrincipal(
  c: Context,
  sessions: SessionStore,
  store: AuthStore,
): Promise<Principal | undefined> {
  if (c.req.header('authorization')) return undefined;
  const id = getCookie(c, SESSION_COOKIE);
  if (!id) return undefined;
  const session = sessions.get(id);
  if (!session) throw new TributaryError('unauthenticated', 'Your dashboard session ended: sign in again.');
  if (!SAFE.has(c.req.method)) {
    assertSameOrigin(c);
    const sent = c.req.header(CSRF_HEADER) ?? '';
    if (!sameSecret(sent, session.csrf))
      throw new TributaryError('forbidden', 'Missing or wrong CSRF token: reload the dashboard.', {
        issues: [{ path: `header.${CSRF_HEADER}`, message: 'missing or wrong' }],
      });
  }
  const token = await store.findTokenByHash(session.tokenHash);
  const user = token && !token.revokedAt ? await store.getUser(token.userId) : null;
  if (!token || token.revokedAt || !user) {
    sessions.delete(session.id);
    throw new TributaryError('unauthenticated', 'The token behind this session was revoked: sign in again.');
  }
  // As the bearer authenticator does: the token list shows when a token was last used, written once a minute.
  if (Date.now() - session.touchedAt > 60_000) {
    session.touchedAt = Date.now();
    await store.touchToken(token.id);
  }
  return { user, token };
}
