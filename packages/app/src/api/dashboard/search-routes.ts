import { createRoute, z } from '@hono/zod-openapi';
import type { Api, RouteDeps } from '../context.js';
import { errorResponses, json } from '../schemas/common.js';

const SearchModesSchema = z
  .object({
    default_mode: z.enum(['keyword', 'hybrid']).describe('What a search without `mode` uses (docs/search.md).'),
    vectors: z.boolean().describe('Whether semantic and hybrid search can be asked for.'),
    reason: z.string().nullable().describe('Why they cannot, when they cannot.'),
    embedding: z
      .object({ model: z.string(), dimensions: z.number(), embedded: z.number(), pending: z.number() })
      .nullable(),
  })
  .openapi('DashboardSearchModes');

/**
 * What the search page's mode selector needs before the first search: the server's default mode and, when semantic
 * and hybrid are unavailable, why (no embedder, or a store without vectors). The same rule as the engine's search:
 * hybrid by default once the configured model has vectors.
 */
export function registerDashboardSearchRoutes(app: Api, deps: RouteDeps): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/dashboard/search-modes',
      // Private to the dashboard (docs/dashboard.md): not part of the public API document.
      hide: true,
      tags: ['dashboard'],
      summary: 'The default search mode and whether semantic/hybrid are available (and why not)',
      responses: { 200: json(SearchModesSchema), ...errorResponses() },
    }),
    async (c) => {
      const status = await deps.engine.embeddings.status();
      const vectors = !!status.embedder && status.vectors.enabled;
      const reason = !status.embedder
        ? 'No embedder is configured on this server (TRIBUTARY_EMBEDDINGS_* or the config file, see docs/embeddings.md).'
        : !status.vectors.enabled
          ? `This store keeps no vectors: ${status.vectors.reason}.`
          : null;
      return c.json(
        {
          default_mode: vectors && status.embedded > 0 ? ('hybrid' as const) : ('keyword' as const),
          vectors,
          reason,
          embedding: status.embedder
            ? { ...status.embedder, embedded: status.embedded, pending: status.pending }
            : null,
        },
        200,
      );
    },
  );
}
