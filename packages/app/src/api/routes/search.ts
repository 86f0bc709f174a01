import { createRoute } from '@hono/zod-openapi';
import type { Api, RouteDeps } from '../context.js';
import { principal } from '../context.js';
import { fetchMemory, runSearch, runTimeline } from '../query.js';
import { IdParam, errorResponses, json } from '../schemas/common.js';
import {
  MemorySchema,
  SearchQuerySchema,
  SearchResponseSchema,
  TimelineQuerySchema,
  TimelineResponseSchema,
} from '../schemas/search.js';

/** Search, one memory, and the timeline. */
export function registerSearchRoutes(app: Api, deps: RouteDeps): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/search',
      tags: ['search'],
      summary: 'Keyword, semantic or hybrid search over your memories, with the total and a cursor',
      request: { query: SearchQuerySchema },
      responses: { 200: json(SearchResponseSchema), ...errorResponses(400, 404) },
    }),
    async (c) => c.json(await runSearch(deps.engine, principal(c), c.req.valid('query')), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/memories/{id}',
      tags: ['search'],
      summary: 'One memory with its full content, metadata and earlier versions',
      request: { params: IdParam },
      responses: { 200: json(MemorySchema), ...errorResponses(404) },
    }),
    async (c) => c.json(await fetchMemory(deps.engine, principal(c), c.req.valid('param').id), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/timeline',
      tags: ['search'],
      summary: 'Memories in time order, paged with a cursor',
      request: { query: TimelineQuerySchema },
      responses: { 200: json(TimelineResponseSchema), ...errorResponses(400, 404) },
    }),
    async (c) => c.json(await runTimeline(deps.engine, principal(c), c.req.valid('query')), 200),
  );
}
