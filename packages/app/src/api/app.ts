import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context, Next } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { routePath } from 'hono/route';
import { createAuthenticator, requireWrite } from '../auth/authenticate.js';
import { createRequestLimiter } from '../auth/rate-limit.js';
import { handleMcpHttp } from '../mcp/http.js';
import {
  DEFAULT_LIMITS,
  createBackgroundSyncs,
  type ApiLimits,
  type AppDeps,
  type AppEnv,
  type BackgroundSyncs,
} from './context.js';
import { renderDocsPage } from './docs-page.js';
import { assertLoopbackRequest } from './host-guard.js';
import { payloadTooLarge, toHttpError, validationError } from './errors.js';
import { createMetrics } from './metrics.js';
import { registerConnectorRoutes } from './routes/connectors.js';
import { registerSourceFeatureRoutes } from './routes/source-features.js';
import { registerIngestRoutes } from './routes/ingest.js';
import { registerJobRoutes } from './routes/jobs.js';
import { registerSourceStatusRoutes } from './routes/source-status.js';
import { statusScheduler } from './status-scheduler.js';
import { OAUTH_CALLBACK_PATH, registerOAuthRoutes } from './routes/oauth.js';
import { registerSearchRoutes } from './routes/search.js';
import { registerPrivacyRoutes } from './routes/privacy.js';
import { registerEmbeddingsSettingsRoutes } from './routes/embeddings-settings.js';
import { registerQdrantSettingsRoutes } from './routes/qdrant-settings.js';
import { registerSourceRoutes } from './routes/sources.js';
import { registerSystemRoutes } from './routes/system.js';
import { registerUserRoutes } from './routes/users.js';
import { registerUserRootRoutes } from './routes/user-roots.js';
import { registerWebhookRoutes } from './routes/webhooks.js';
import { backgroundWebhookTrigger } from './webhook-dispatch.js';
import { TributaryError } from '@tributary/sdk';
import {
  createDashboardState,
  DASHBOARD_PUBLIC,
  mountDashboardStatic,
  registerDashboardRoutes,
  sessionPrincipal,
} from './dashboard/index.js';

/** Where the REST API lives. */
export const API_PREFIX = '/api/v1';
/** Paths under the prefix that need no token. */
const PUBLIC = new Set(['/health', '/ready', '/openapi.json', '/docs'].map((p) => API_PREFIX + p));

/** The `WWW-Authenticate` value of a 401 (RFC 6750): `error="invalid_token"` only when a token was sent. */
export function wwwAuthenticate(authorization: string | undefined): string {
  return authorization?.trim() ? 'Bearer realm="tributary", error="invalid_token"' : 'Bearer realm="tributary"';
}

/** The Hono app, plus what a server needs to shut it down. Add more routes (a dashboard) with `app.get(…)`. */
export type TributaryApp = OpenAPIHono<AppEnv> & {
  /** The OpenAPI 3.1 document (generated from the same zod schemas that validate requests). */
  openapiDocument(): Record<string, unknown>;
  /** Aborts syncs started in the background by `POST /sources/{id}/sync` and waits for them. */
  shutdown(): Promise<void>;
};

/**
 * The REST API (and `POST /mcp`) as a Hono app, for in-process tests and for {@link startServer}.
 * Every route but health, ready, the OpenAPI document and its page needs `Authorization: Bearer <token>`.
 */
export function createApp(deps: AppDeps): TributaryApp {
  const limits: ApiLimits = { ...DEFAULT_LIMITS, ...deps.limits };
  const log = deps.log ?? (() => undefined);
  const metrics = deps.metrics ?? createMetrics({ defaultMetrics: false });
  const background: BackgroundSyncs = createBackgroundSyncs(log);
  const authenticate = createAuthenticator(deps.engine.ports.auth);
  const limiter = limits.rateLimit ? createRequestLimiter(limits.rateLimit) : undefined;
  const dashboard = deps.dashboard ?? createDashboardState();
  const signIn = `${API_PREFIX}${DASHBOARD_PUBLIC.path}`;

  // Every zod failure (body, query, path) becomes the one envelope with an issue per field.
  const defaultHook = (result: {
    success: boolean;
    target: string;
    error?: { issues: Parameters<typeof validationError>[1] };
  }): void => {
    if (!result.success && result.error) throw validationError(result.target, result.error.issues);
  };
  const app = new OpenAPIHono<AppEnv>({ strict: false, defaultHook });

  app.onError((err, c) => {
    const { status, body, retryAfterMs } = toHttpError(err);
    if (status >= 500)
      log('request failed', { path: c.req.path, code: body.error.code, error: (err as Error).message });
    if (retryAfterMs !== undefined) c.header('Retry-After', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
    // RFC 6750 §3: every 401 names the scheme; with a token given, says it was the token (MCP clients read this
    // to tell "send a token" from "start an OAuth flow").
    if (status === 401) c.header('WWW-Authenticate', wwwAuthenticate(c.req.header('authorization')));
    return c.json(body, status);
  });
  app.notFound((c) => {
    const { status, body } = toHttpError(new TributaryError('not_found', `No route ${c.req.method} ${c.req.path}.`));
    return c.json(body, status);
  });

  app.use('*', async (c, next) => {
    const start = process.hrtime.bigint();
    await next();
    const route = routePath(c, -1);
    const label = route.includes('*') ? 'unmatched' : route;
    metrics.observeHttp(c.req.method, label, c.res.status, Number(process.hrtime.bigint() - start) / 1e9);
  });
  if (deps.loopbackOnly) {
    app.use('*', async (c, next) => {
      assertLoopbackRequest(c.req.raw.headers);
      await next();
    });
  }
  app.use(
    '*',
    bodyLimit({
      maxSize: limits.maxBodyBytes,
      onError: () => {
        throw payloadTooLarge(limits.maxBodyBytes);
      },
    }),
  );

  const guard = async (c: Context<AppEnv>, next: Next): Promise<void> => {
    // The provider's redirect carries no token: the callback identifies the browser by its cookie instead.
    if (
      PUBLIC.has(c.req.path) ||
      OAUTH_CALLBACK_PATH.test(c.req.path.slice(API_PREFIX.length)) ||
      c.req.path.startsWith(`${API_PREFIX}/webhooks/`) ||
      (c.req.path === signIn && c.req.method === DASHBOARD_PUBLIC.method)
    )
      return next();
    // A dashboard session cookie (with its CSRF token on writes) stands for the token it signed in with.
    const p =
      (await sessionPrincipal(c, dashboard.sessions, deps.engine.ports.auth)) ??
      (await authenticate(c.req.header('authorization')));
    limiter?.take(p.token.id);
    const isMetrics = c.req.path === `${API_PREFIX}/metrics`;
    if (p.token.scope === 'metrics' && !isMetrics)
      throw new TributaryError('forbidden', 'A metrics token may only read /metrics.');
    // MCP tools only read; every other non-GET request writes.
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && c.req.path !== '/mcp' && c.req.path !== signIn)
      requireWrite(p);
    c.set('principal', p);
    return next();
  };
  app.use(`${API_PREFIX}/*`, guard);
  app.use('/mcp', guard);

  const api = new OpenAPIHono<AppEnv>({ strict: false, defaultHook });
  const scheduler = deps.scheduler ?? statusScheduler(deps.engine);
  const routeDeps = {
    engine: deps.engine,
    limits,
    background,
    log,
    scheduler,
    ...(deps.queue ? { queue: deps.queue } : {}),
  };
  const queue = deps.queue;
  if (queue) metrics.trackDeadLetters(async () => (await queue.stats()).deadLetters);
  registerSystemRoutes(api, routeDeps, metrics);
  registerSourceRoutes(api, routeDeps);
  registerIngestRoutes(api, routeDeps);
  registerJobRoutes(api, routeDeps);
  registerSourceStatusRoutes(api, routeDeps);
  registerConnectorRoutes(api, routeDeps);
  registerSourceFeatureRoutes(api, routeDeps);
  registerSearchRoutes(api, routeDeps);
  registerPrivacyRoutes(api, routeDeps);
  registerEmbeddingsSettingsRoutes(api, routeDeps);
  registerQdrantSettingsRoutes(api, routeDeps);
  registerUserRoutes(api, routeDeps);
  registerUserRootRoutes(api, routeDeps);
  registerWebhookRoutes(
    api,
    routeDeps,
    deps.triggerWebhookSync ?? backgroundWebhookTrigger(deps.engine, (run) => background.start(run)),
  );
  registerOAuthRoutes(api, routeDeps, deps);
  registerDashboardRoutes(api, routeDeps, dashboard);
  app.route(API_PREFIX, api);

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  const openapi = (): Record<string, unknown> =>
    app.getOpenAPI31Document({
      openapi: '3.1.0',
      info: {
        title: 'Tributary API',
        version: '1.0.0',
        description: 'Sync the streams of your work into one searchable memory. Wire format: snake_case JSON.',
      },
      servers: [{ url: '/' }],
      security: [{ bearer: [] }],
    }) as unknown as Record<string, unknown>;
  let doc: Record<string, unknown> | undefined;
  app.get(`${API_PREFIX}/openapi.json`, (c) => c.json((doc ??= openapi())));
  app.get(`${API_PREFIX}/docs`, (c) => c.html(renderDocsPage((doc ??= openapi()))));

  app.all('/mcp', (c) => handleMcpHttp(deps.engine, c.get('principal'), c.req.raw));
  // Last: the dashboard's pages and assets at / (never shadowing the API or MCP).
  mountDashboardStatic(app, dashboard.staticDir);

  return Object.assign(app, { openapiDocument: () => (doc ??= openapi()), shutdown: () => background.abortAll() });
}
