import { createRoute, z } from '@hono/zod-openapi';
import type { Api, RouteDeps } from '../context.js';
import { errorResponses, json } from '../schemas/common.js';
import { dispatchWebhook, type WebhookSyncTrigger } from '../webhook-dispatch.js';

/**
 * `POST /webhooks/{connector}` — provider deliveries (Slack Events API, GitHub). No bearer token: each delivery is
 * verified by the connector with the signing secret of the source it is for.
 */
export function registerWebhookRoutes(app: Api, deps: RouteDeps, trigger: WebhookSyncTrigger): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/webhooks/{connector}',
      tags: ['webhooks'],
      summary: 'Receive a provider webhook (signature-verified per source; no token)',
      security: [],
      request: {
        params: z
          .object({
            connector: z
              .string()
              .min(1)
              .max(64)
              .openapi({ param: { name: 'connector', in: 'path' }, example: 'slack' }),
          })
          .strict(),
      },
      responses: {
        200: json(z.record(z.string(), z.unknown()).openapi('WebhookAck')),
        ...errorResponses(401, 404, 413),
      },
    }),
    async (c) => {
      const { connector } = c.req.valid('param');
      const headers: Record<string, string> = {};
      c.req.raw.headers.forEach((value, key) => {
        headers[key.toLowerCase()] = value;
      });
      const query: Record<string, string> = {};
      new URL(c.req.url).searchParams.forEach((value, key) => {
        query[key] = value;
      });
      const result = await dispatchWebhook(
        deps.engine,
        connector,
        { method: 'POST', headers, rawBody: await c.req.text(), query },
        trigger,
        deps.log,
      );
      for (const [k, v] of Object.entries(result.headers ?? {})) c.header(k, v);
      // A handshake some providers require as plain text (Microsoft Graph's validationToken echo).
      if (typeof result.body === 'string') return c.text(result.body, result.status as 200) as never;
      return c.json(result.body as Record<string, unknown>, result.status as 200);
    },
  );
}
