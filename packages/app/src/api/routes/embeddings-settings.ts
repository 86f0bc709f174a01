import { createRoute, z } from '@hono/zod-openapi';
import {
  describeEmbeddings,
  EmbeddingsConfigSchema,
  loadEmbeddingsSettings,
  saveEmbeddingsSettings,
} from '@tributary/engine/embedding/index';
import { requireAdmin } from '../../auth/authenticate.js';
import type { MiddlewareHandler } from 'hono';
import type { Api, AppEnv, RouteDeps } from '../context.js';
import { principal } from '../context.js';
import { errorResponses, json } from '../schemas/common.js';

/** Runs before the body is validated: a non-admin learns nothing about what a valid request looks like. */
const adminOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
  requireAdmin(principal(c));
  await next();
};

const SettingsViewSchema = z
  .object({
    saved: z
      .record(z.string(), z.unknown())
      .nullable()
      .describe('The saved settings (config file or this route), used from the next start; never an API key.'),
    active: z
      .object({ model: z.string(), dimensions: z.number(), embedded: z.number(), pending: z.number() })
      .nullable()
      .describe('What this server embeds with now (null: vector search off or the vector index unreachable).'),
  })
  .openapi('EmbeddingsSettings');

/**
 * Deployment-wide embeddings settings (docs/embeddings.md): admin tokens only. Saved settings take effect when the
 * server starts again; `TRIBUTARY_EMBEDDINGS_*` variables win over them. An API key is refused here (400): it
 * belongs in `TRIBUTARY_EMBEDDINGS_API_KEY`. `PUT null` clears the saved settings.
 */
export function registerEmbeddingsSettingsRoutes(app: Api, deps: RouteDeps): void {
  const { engine } = deps;
  const view = async () => {
    const saved = await loadEmbeddingsSettings(engine.ports.kv);
    const coverage = await engine.embeddings.coverage().catch(() => null);
    return {
      saved: saved ? describeEmbeddings(saved) : null,
      active: coverage
        ? {
            model: coverage.model,
            dimensions: coverage.dimensions,
            embedded: coverage.embedded,
            pending: coverage.pending,
          }
        : null,
    };
  };
  app.openapi(
    createRoute({
      method: 'get',
      middleware: [adminOnly] as const,
      path: '/settings/embeddings',
      tags: ['settings'],
      summary: 'The embeddings settings: saved, and what the server uses now',
      responses: { 200: json(SettingsViewSchema), ...errorResponses(403) },
    }),
    async (c) => {
      return c.json(await view(), 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'put',
      middleware: [adminOnly] as const,
      path: '/settings/embeddings',
      tags: ['settings'],
      summary: 'Save the embeddings settings (used from the next start); null clears them',
      request: {
        body: { content: { 'application/json': { schema: EmbeddingsConfigSchema.nullable() } }, required: true },
      },
      responses: { 200: json(SettingsViewSchema, 'Saved'), ...errorResponses(400, 403) },
    }),
    async (c) => {
      await saveEmbeddingsSettings(engine.ports.kv, c.req.valid('json'));
      return c.json(await view(), 200);
    },
  );
}
