import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { TributaryError } from '@tributary/sdk';
import { hashToken, issueToken } from '../../auth/tokens.js';
import type { Api, RouteDeps } from '../context.js';
import { principal } from '../context.js';
import { errorResponses, json } from '../schemas/common.js';
import { assertSameOrigin, SESSION_COOKIE } from './session-auth.js';
import { SESSION_TTL_MS } from './sessions.js';
import type { DashboardState } from './state.js';

const tags = ['dashboard'];

const SignIn = z
  .object({
    token: z.string().min(1).max(200).optional().describe('An API token (kept server-side as its hash only).'),
    code: z.string().min(1).max(200).optional().describe('The one-time code of the link `tributary up` prints.'),
  })
  .strict()
  .refine((b) => (b.token === undefined) !== (b.code === undefined), {
    message: 'give either token or code',
    path: ['token'],
  });

const SessionInfo = z
  .object({
    user: z.object({ id: z.string(), name: z.string(), is_admin: z.boolean() }),
    read_only: z.boolean(),
    csrf_token: z.string().describe('Send back in X-CSRF-Token on every write.'),
    login_links: z.boolean(),
  })
  .openapi('DashboardSession');

/** The session cookie's attributes: HttpOnly, SameSite=Strict, Secure over https, for the whole site. */
function writeCookie(c: Context, id: string): void {
  setCookie(c, SESSION_COOKIE, id, {
    path: '/',
    httpOnly: true,
    sameSite: 'Strict',
    secure: new URL(c.req.url).protocol === 'https:',
    maxAge: SESSION_TTL_MS / 1000,
  });
}

/** `POST /dashboard/session` (sign in; public), `GET` (who am I + CSRF token), `DELETE` (sign out). */
export function registerSessionRoutes(app: Api, deps: RouteDeps, state: DashboardState): void {
  const store = deps.engine.ports.auth;

  app.openapi(
    createRoute({
      method: 'post',
      path: '/dashboard/session',
      // Private to the dashboard (docs/dashboard.md): not part of the public API document.
      hide: true,
      tags,
      summary: 'Sign in to the dashboard with an API token or a one-time link code; sets the session cookie',
      security: [],
      request: { body: { content: { 'application/json': { schema: SignIn } }, required: true } },
      responses: { 200: json(SessionInfo), ...errorResponses(400, 403, 415) },
    }),
    async (c) => {
      assertSameOrigin(c);
      const body = c.req.valid('json');
      let tokenHash: string;
      let ownTokenId: string | null = null;
      if (body.code !== undefined) {
        const userId = state.loginLinks ? state.sessions.redeem(body.code) : undefined;
        if (!userId)
          throw new TributaryError('unauthenticated', 'This sign-in link was used already or has expired.', {
            issues: [{ path: 'code', message: 'unknown, used or expired' }],
          });
        // A token of its own, revoked at sign-out: the link grants exactly one session.
        const issued = await issueToken(store, { userId, name: 'dashboard session' });
        tokenHash = hashToken(issued.token);
        ownTokenId = issued.record.id;
      } else {
        tokenHash = hashToken(body.token!);
        const token = await store.findTokenByHash(tokenHash);
        if (!token || token.revokedAt)
          throw new TributaryError('unauthenticated', 'Unknown or revoked API token.', {
            issues: [{ path: 'token', message: 'unknown or revoked' }],
          });
        if (token.scope !== 'api')
          throw new TributaryError('forbidden', 'A metrics token cannot sign in to the dashboard.', {
            issues: [{ path: 'token', message: 'metrics-only token' }],
          });
      }
      const token = (await store.findTokenByHash(tokenHash))!;
      const user = (await store.getUser(token.userId))!;
      const session = state.sessions.create({ tokenHash, userId: user.id, ownTokenId });
      writeCookie(c, session.id);
      return c.json(
        {
          user: { id: user.id, name: user.name, is_admin: user.isAdmin },
          read_only: token.readOnly,
          csrf_token: session.csrf,
          login_links: state.loginLinks,
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/dashboard/session',
      // Private to the dashboard (docs/dashboard.md): not part of the public API document.
      hide: true,
      tags,
      summary: "The signed-in user and the session's CSRF token",
      responses: { 200: json(SessionInfo), ...errorResponses() },
    }),
    (c) => {
      const p = principal(c);
      const session = state.sessions.get(getCookie(c, SESSION_COOKIE));
      if (!session) throw new TributaryError('unauthenticated', 'No dashboard session: sign in.');
      return c.json(
        {
          user: { id: p.user.id, name: p.user.name, is_admin: p.user.isAdmin },
          read_only: p.token.readOnly,
          csrf_token: session.csrf,
          login_links: state.loginLinks,
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/dashboard/session',
      // Private to the dashboard (docs/dashboard.md): not part of the public API document.
      hide: true,
      tags,
      summary: 'Sign out: ends the session (and revokes the token a one-time link created)',
      responses: { 204: { description: 'Signed out' }, ...errorResponses(403) },
    }),
    async (c) => {
      const id = getCookie(c, SESSION_COOKIE);
      const session = id ? state.sessions.delete(id) : undefined;
      if (session?.ownTokenId) await store.revokeToken(session.ownTokenId);
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return c.body(null, 204);
    },
  );
}
