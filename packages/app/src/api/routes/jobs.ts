import { createRoute } from '@hono/zod-openapi';
import { TributaryError } from '@tributary/sdk';
import {
  actOnAllDeadJobs,
  actOnDeadJob,
  listDeadJobs,
  type DeadLetterAction,
  type DeadLetterDeps,
  type DeadLetterScope,
} from '../../jobs/dead-letters.js';
import type { Api, RouteDeps } from '../context.js';
import { ownedSource, principal } from '../context.js';
import { IdParam, errorResponses, json } from '../schemas/common.js';
import {
  DeadJobBulkResultSchema,
  DeadJobBulkSchema,
  DeadJobListSchema,
  DeadJobQuerySchema,
  DeadJobSchema,
  deadJobWire,
} from '../schemas/jobs.js';

const tags = ['jobs'];

/**
 * The dead-letter queue: list, retry, discard. An admin sees every dead job; anyone else only those of their own
 * sources (another user's job is a 404, as their sources are).
 */
export function registerJobRoutes(app: Api, deps: RouteDeps): void {
  const letters = (): DeadLetterDeps => {
    if (!deps.queue)
      throw new TributaryError('unsupported', 'This server has no job queue; start it with `tributary up` or `serve`.');
    return { queue: deps.queue, sources: deps.engine.ports.sources };
  };
  const scopeOf = (p: ReturnType<typeof principal>): DeadLetterScope => ({
    userId: p.user.id,
    isAdmin: p.user.isAdmin,
  });
  const sourceFilter = async (p: ReturnType<typeof principal>, source: string | undefined) =>
    source === undefined ? {} : { sourceId: (await ownedSource(deps.engine, p, source)).id };

  app.openapi(
    createRoute({
      method: 'get',
      path: '/jobs/dead',
      tags,
      summary: 'Dead jobs (failed for good), oldest first, with their last error',
      request: { query: DeadJobQuerySchema },
      responses: { 200: json(DeadJobListSchema), ...errorResponses(400, 404, 501) },
    }),
    async (c) => {
      const p = principal(c);
      const q = c.req.valid('query');
      const jobs = await listDeadJobs(letters(), scopeOf(p), {
        ...(await sourceFilter(p, q.source)),
        ...(q.limit !== undefined ? { limit: q.limit } : {}),
      });
      return c.json({ jobs: jobs.map(deadJobWire) }, 200);
    },
  );

  for (const action of ['retry', 'discard'] as const satisfies DeadLetterAction[]) {
    const what = action === 'retry' ? 'Put back in the queue with fresh attempts' : 'Delete for good';
    app.openapi(
      createRoute({
        method: 'post',
        path: `/jobs/dead/{id}/${action}`,
        tags,
        summary: `${what}: one dead job`,
        request: { params: IdParam },
        responses: { 200: json(DeadJobSchema), ...errorResponses(403, 404, 501) },
      }),
      async (c) => {
        const job = await actOnDeadJob(letters(), scopeOf(principal(c)), c.req.valid('param').id, action);
        return c.json(deadJobWire(job), 200);
      },
    );
    app.openapi(
      createRoute({
        method: 'post',
        path: `/jobs/dead/${action}`,
        tags,
        summary: `${what}: every dead job you may see (\`{ "all": true }\`), or those of one source`,
        request: { body: { content: { 'application/json': { schema: DeadJobBulkSchema } }, required: true } },
        responses: { 200: json(DeadJobBulkResultSchema), ...errorResponses(400, 403, 404, 415, 501) },
      }),
      async (c) => {
        const p = principal(c);
        const b = c.req.valid('json');
        const jobs = await actOnAllDeadJobs(letters(), scopeOf(p), action, await sourceFilter(p, b.source));
        return c.json({ count: jobs.length, jobs: jobs.map(deadJobWire) }, 200);
      },
    );
  }
}
