import { randomBytes } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { OAUTH_STATE_TTL_MS, type OAuthFlow } from '@tributary/engine';
import { TributaryError, isTributaryError, resolveFeatures } from '@tributary/sdk';
import { requireWrite } from '../../auth/authenticate.js';
import { connectTarget } from '../../runtime/oauth-env.js';
import type { Api, AppDeps, AppEnv, RouteDeps } from '../context.js';
import { ownedSource, principal } from '../context.js';
import { toHttpError } from '../errors.js';
import { IdParam, errorResponses, json } from '../schemas/common.js';

/** The callback path (relative to /api/v1): public, the provider's redirect carries no bearer token. */
export const OAUTH_CALLBACK_PATH = /^\/oauth\/[a-z][a-z0-9-]*\/callback$/;
/** The cookie binding a browser to the connection it started (its value is a random nonce, never a token). */
export const OAUTH_COOKIE = 'tributary_oauth';
/** kv namespace: browser nonce → user id, for as long as a state lives. */
export const OAUTH_BROWSER_NAMESPACE = 'oauth:browser';

const tags = ['oauth'];
const ProviderParam = z
  .string()
  .regex(/^[a-z][a-z0-9-]*$/)
  .max(64)
  .openapi({ param: { name: 'provider', in: 'path' }, example: 'google' });
const StartQuery = z
  .object({
    source: z.string().min(1).max(200).describe('The source (id or name) to connect.'),
    format: z.enum(['redirect', 'json']).optional().describe('`json` answers `{ url, expires_at }` instead of a 302.'),
  })
  .strict();
const CallbackQuery = z
  .object({
    code: z.string().max(4096).optional(),
    state: z.string().max(512).optional(),
    iss: z.string().max(2048).optional(),
    error: z.string().max(256).optional(),
    error_description: z.string().max(2048).optional(),
  })
  .passthrough();
const Started = z.object({ url: z.string(), expires_at: z.string() }).openapi('OAuthStart');
const Connected = z
  .object({
    source_id: z.string(),
    source_name: z.string(),
    provider: z.string(),
    scope: z.string().nullable(),
    expires_at: z.string().nullable(),
    has_refresh_token: z.boolean(),
  })
  .openapi('OAuthConnection');
const Disconnected = z
  .object({ revoked: z.boolean(), deleted: z.boolean(), revocation_error: z.string().optional() })
  .openapi('OAuthDisconnect');

function requireFlow(deps: AppDeps): OAuthFlow {
  if (!deps.oauth)
    throw new TributaryError('unsupported', 'OAuth is not available on this server (it runs without a vault).');
  return deps.oauth;
}

/** `GET /oauth/{provider}/start`, `GET /oauth/{provider}/callback`, `DELETE /sources/{id}/connection`. */
export function registerOAuthRoutes(app: Api, routeDeps: RouteDeps, deps: AppDeps): void {
  const { engine } = routeDeps;
  const redirectUri = (c: Context<AppEnv>, provider: string): string =>
    `${deps.publicUrl ?? new URL(c.req.url).origin}/api/v1/oauth/${provider}/callback`;

  app.openapi(
    createRoute({
      method: 'get',
      path: '/oauth/{provider}/start',
      tags,
      summary: 'Start connecting a source with OAuth: 302 to the provider (or its URL as JSON with ?format=json)',
      request: { params: z.object({ provider: ProviderParam }), query: StartQuery },
      responses: {
        200: json(Started, 'The authorization URL (format=json)'),
        302: { description: "Redirect to the provider's consent page; sets the HttpOnly browser-binding cookie" },
        ...errorResponses(400, 403, 404, 409, 501),
      },
    }),
    async (c) => {
      const flow = requireFlow(deps);
      const p = principal(c);
      // A GET, but it leads to a credential being written: read-only tokens may not start one.
      requireWrite(p);
      const { provider } = c.req.valid('param');
      const q = c.req.valid('query');
      const source = await ownedSource(engine, p, q.source);
      const connector = engine.connectors.list().find((x) => x.manifest.name === source.sourceType);
      const features = connector ? resolveFeatures(connector.manifest, source.features) : undefined;
      const target = connectTarget(connector?.manifest.auth, source.sourceType, provider, features);
      const started = await flow.startAuthorization({
        provider,
        sourceId: source.id,
        userId: p.user.id,
        redirectUri: redirectUri(c, provider),
        ...(target.scopes ? { scopes: target.scopes } : {}),
      });
      const nonce = randomBytes(32).toString('base64url');
      await engine.ports.kv.kvPutIfAbsent(OAUTH_BROWSER_NAMESPACE, nonce, p.user.id, OAUTH_STATE_TTL_MS);
      setCookie(c, OAUTH_COOKIE, nonce, {
        path: '/api/v1/oauth',
        httpOnly: true,
        sameSite: 'Lax',
        secure: new URL(redirectUri(c, provider)).protocol === 'https:',
        maxAge: OAUTH_STATE_TTL_MS / 1000,
      });
      if (q.format === 'json') return c.json({ url: started.url, expires_at: started.expiresAt }, 200);
      return c.redirect(started.url, 302);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/oauth/{provider}/callback',
      tags,
      summary: "The provider's redirect back (no token: the browser is identified by the cookie set at start)",
      security: [],
      request: { params: z.object({ provider: ProviderParam }), query: CallbackQuery },
      responses: {
        200: {
          description: 'Connected: an HTML page, or JSON with `Accept: application/json`',
          content: { 'text/html': { schema: z.string() }, 'application/json': { schema: Connected } },
        },
        ...errorResponses(400, 401, 403, 409, 501),
      },
    }),
    async (c) => {
      const flow = requireFlow(deps);
      const { provider } = c.req.valid('param');
      const nonce = getCookie(c, OAUTH_COOKIE);
      const userId = nonce ? await engine.ports.kv.kvGet<string>(OAUTH_BROWSER_NAMESPACE, nonce) : undefined;
      if (!userId)
        throw new TributaryError(
          'unauthenticated',
          'This browser did not start the connection (no or expired connection cookie); start it again from the same browser.',
        );
      let summary;
      try {
        summary = await flow.completeAuthorization({
          provider,
          query: c.req.query(),
          userId,
          redirectUri: redirectUri(c, provider),
        });
      } catch (err) {
        // A refused consent or a bad code is the user's to retry, not a server failure.
        if (isTributaryError(err) && err.code === 'auth_invalid') return c.json(toHttpError(err).body, 400);
        throw err;
      }
      const source = await engine.ports.sources.getSource(summary.sourceId);
      const body = {
        source_id: summary.sourceId,
        source_name: source?.name ?? summary.sourceId,
        provider: summary.provider,
        scope: summary.scope,
        expires_at: summary.expiresAt,
        has_refresh_token: summary.hasRefreshToken,
      };
      if ((c.req.header('accept') ?? '').includes('application/json')) return c.json(body, 200);
      return c.html(connectedPage(body.source_name, provider), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/sources/{id}/connection',
      tags: ['sources', ...tags],
      summary: 'Disconnect a source: revoke the grant at the provider (when it can) and delete the stored credential',
      request: { params: IdParam },
      responses: { 200: json(Disconnected, 'Disconnected'), ...errorResponses(403, 404, 501) },
    }),
    async (c) => {
      const flow = requireFlow(deps);
      const source = await ownedSource(engine, principal(c), c.req.valid('param').id);
      const r = await flow.disconnect(source.id);
      return c.json(
        {
          revoked: r.revoked,
          deleted: r.deleted,
          ...(r.revocationError ? { revocation_error: r.revocationError } : {}),
        },
        200,
      );
    },
  );
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function connectedPage(sourceName: string, provider: string): string {
  const name = escapeHtml(sourceName);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Connected ${name}</title></head>
<body style="font-family: system-ui, sans-serif; margin: 4rem auto; max-width: 32rem">
<h1>Connected ${name}</h1>
<p>${name} is connected to ${escapeHtml(provider)}; you can close this tab.</p>
</body></html>
`;
}
