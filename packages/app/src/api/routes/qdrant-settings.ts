import { createRoute, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { requireAdmin } from '../../auth/authenticate.js';
import { loadQdrantSettings, QdrantSettingsSchema, saveQdrantSettings } from '../../runtime/qdrant-settings.js';
import type { Api, AppEnv, RouteDeps } from '../context.js';
import { principal } from '../context.js';
import { errorResponses, json } from '../schemas/common.js';

/** Runs before the body is validated: a non-admin learns nothing about what a valid request looks like. */
const adminOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
  requireAdmin(principal(c));
  await next();
};

const QdrantViewSchema = z
  .object({
    saved: z
      .object({ url: z.string(), collectionPrefix: z.string().optional() })
      .nullable()
      .describe('The saved settings (config file, CLI or this route), used from the next start; never an API key.'),
    vectors: z.string().describe('Where this server keeps vectors now (e.g. "qdrant at http://qdrant:6333").'),
  })
  .openapi('QdrantSettings');

/**
 * Deployment-wide Qdrant settings beside the embeddings settings (docs/embeddings.md): admin tokens only. Saved
 * settings take effect when the server starts again; `TRIBUTARY_QDRANT_URL` wins. An API key is refused here (400):
 * it belongs in `TRIBUTARY_QDRANT_API_KEY`. `PUT null` clears the saved settings.
 */
export function registerQdrantSettingsRoutes(app: Api, deps: RouteDeps): void {
  const { engine } = deps;
  const view = async () => {
    const support = engine.ports.lifecycle.vectorSupport();
    return {
      saved: (await loadQdrantSettings(engine.ports.kv)) ?? null,
      vectors: support.enabled ? support.reason || 'the store' : `off: ${support.reason}`,
    };
  };
  app.openapi(
    createRoute({
      method: 'get',
      middleware: [adminOnly] as const,
      path: '/settings/qdrant',
      tags: ['settings'],
      summary: 'The Qdrant settings: saved, and where vectors are kept now',
      responses: { 200: json(QdrantViewSchema), ...errorResponses(403) },
    }),
    async (c) => c.json(await view(), 200),
  );
  app.openapi(
    createRoute({
      method: 'put',
      middleware: [adminOnly] as const,
      path: '/settings/qdrant',
      tags: ['settings'],
      summary: 'Save the Qdrant settings (used from the next start); null clears them',
      request: {
        body: { content: { 'application/json': { schema: QdrantSettingsSchema.nullable() } }, required: true },
      },
      responses: { 200: json(QdrantViewSchema, 'Saved'), ...errorResponses(400, 403) },
    }),
    async (c) => {
      await saveQdrantSettings(engine.ports.kv, c.req.valid('json'));
      return c.json(await view(), 200);
    },
  );
}
