import { createRoute, z } from '@hono/zod-openapi';
import { TributaryError } from '@tributary/sdk';
import type { Api, RouteDeps } from '../context.js';
import { principal } from '../context.js';
import { ErrorSchema, errorResponses, json } from '../schemas/common.js';
import type { Metrics } from '../metrics.js';

const tags = ['system'];

/** Liveness, readiness (no token) and Prometheus metrics (admin or metrics-scope token). */
export function registerSystemRoutes(app: Api, deps: RouteDeps, metrics: Metrics): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/health',
      tags,
      summary: 'Liveness (no token)',
      security: [],
      responses: { 200: json(z.object({ status: z.literal('ok') }).openapi('Health')) },
    }),
    (c) => c.json({ status: 'ok' as const }, 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/ready',
      tags,
      summary: 'Readiness: the store answers and its migrations are current (no token)',
      security: [],
      responses: {
        200: json(
          z
            .object({
              status: z.literal('ready'),
              store: z.string(),
              migrations: z.object({ current: z.number(), latest: z.number() }),
            })
            .openapi('Ready'),
        ),
        503: { description: 'Not ready', content: { 'application/json': { schema: ErrorSchema } } },
      },
    }),
    async (c) => {
      const store = deps.engine.ports.lifecycle;
      try {
        await store.ping();
      } catch (err) {
        throw new TributaryError('store_unavailable', 'The store does not answer.', { cause: err });
      }
      const m = await store.migrationStatus();
      if (m.current < m.latest)
        throw new TributaryError(
          'store_unavailable',
          `Migrations pending: schema ${m.current}, code expects ${m.latest}.`,
        );
      return c.json({ status: 'ready' as const, store: store.kind, migrations: m }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/metrics',
      tags,
      summary: 'Prometheus metrics (admin token or a metrics-scope token)',
      responses: {
        200: { description: 'Prometheus text format', content: { 'text/plain': { schema: z.string() } } },
        ...errorResponses(403),
      },
    }),
    async (c) => {
      const p = principal(c);
      if (p.token.scope !== 'metrics' && !p.user.isAdmin)
        throw new TributaryError('forbidden', 'Metrics need an admin token or a metrics token.');
      return c.text(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType });
    },
  );
}
