import { createRoute, z } from '@hono/zod-openapi';
import type { Api, RouteDeps } from '../context.js';
import { ownedSource, principal } from '../context.js';
import { IdParam, errorResponses, json } from '../schemas/common.js';
import {
  HistoryQuerySchema,
  RunSchema,
  SourceCreateSchema,
  SourceListSchema,
  SourcePatchSchema,
  SourceSchema,
  StatsSchema,
  SyncQuerySchema,
  SyncResponseSchema,
} from '../schemas/sources.js';
import { runWire, scheduleFromWire, sourceWire, statsWire } from '../wire.js';

const tags = ['sources'];
const body = <T extends z.ZodType>(schema: T) => ({
  body: { content: { 'application/json': { schema } }, required: true },
});

/** Sources CRUD, pause/resume, sync, history and stats. */
export function registerSourceRoutes(app: Api, deps: RouteDeps): void {
  const { engine } = deps;
  const connectorOf = (name: string) => engine.connectors.list().find((c) => c.manifest.name === name);
  // A source of a disabled connector says so (it never runs, whatever its status).
  const disabledConnectors = async () =>
    new Set((await engine.connectors.registry.list()).filter((c) => !c.enabled).map((c) => c.name));
  const wireWith = (s: Parameters<typeof sourceWire>[0], disabled: Set<string>) => ({
    ...sourceWire(s, connectorOf(s.sourceType)),
    status_reason: disabled.has(s.sourceType) ? 'connector disabled' : null,
  });
  const wire = async (s: Parameters<typeof sourceWire>[0]) => wireWith(s, await disabledConnectors());

  // `/sources/register` is the seed's name for the same operation (SEED-CONTRACTS §A): same body, same answer.
  for (const path of ['/sources', '/sources/register'] as const)
    app.openapi(
      createRoute({
        method: 'post',
        path,
        tags,
        summary: path === '/sources' ? 'Create a source' : 'Register a source (the same as POST /sources)',
        request: body(SourceCreateSchema),
        responses: { 201: json(SourceSchema, 'Created'), ...errorResponses(400, 403, 404, 409, 413, 415) },
      }),
      async (c) => {
        const input = c.req.valid('json');
        const schedule = scheduleFromWire(input.schedule);
        const source = await engine.sources.add({
          ownerId: principal(c).user.id,
          connector: input.source_type,
          name: input.name,
          ...(input.config ? { config: input.config } : {}),
          ...(input.features ? { features: input.features } : {}),
          ...(schedule !== undefined ? { schedule } : {}),
        });
        return c.json(await wire(source), 201);
      },
    );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/sources',
      tags,
      summary: 'List your sources',
      responses: { 200: json(SourceListSchema), ...errorResponses() },
    }),
    async (c) => {
      const disabled = await disabledConnectors();
      const sources = await engine.sources.list(principal(c).user.id);
      return c.json({ sources: sources.map((s) => wireWith(s, disabled)) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/sources/{id}',
      tags,
      summary: 'Get a source (with last_sync_position, the checkpoint to resume from)',
      request: { params: IdParam },
      responses: { 200: json(SourceSchema), ...errorResponses(404) },
    }),
    async (c) => c.json(await wire(await ownedSource(engine, principal(c), c.req.valid('param').id)), 200),
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/sources/{id}',
      tags,
      summary: 'Change a source',
      request: { params: IdParam, ...body(SourcePatchSchema) },
      responses: { 200: json(SourceSchema), ...errorResponses(400, 403, 404, 409, 415) },
    }),
    async (c) => {
      const source = await ownedSource(engine, principal(c), c.req.valid('param').id);
      const patch = c.req.valid('json');
      const schedule = scheduleFromWire(patch.schedule);
      const updated = await engine.sources.update(source.id, {
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.config !== undefined ? { config: patch.config } : {}),
        ...(patch.features !== undefined ? { features: patch.features } : {}),
        ...(schedule !== undefined ? { schedule } : {}),
      });
      return c.json(await wire(updated), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/sources/{id}',
      tags,
      summary: 'Delete a source and all its data',
      request: { params: IdParam },
      responses: { 204: { description: 'Deleted' }, ...errorResponses(403, 404) },
    }),
    async (c) => {
      const source = await ownedSource(engine, principal(c), c.req.valid('param').id);
      await engine.sources.remove(source.id);
      return c.body(null, 204);
    },
  );

  for (const action of ['pause', 'resume'] as const) {
    app.openapi(
      createRoute({
        method: 'post',
        path: `/sources/{id}/${action}`,
        tags,
        summary:
          action === 'pause' ? 'Pause a source (a running sync stops at the next item)' : 'Resume a paused source',
        request: { params: IdParam },
        responses: { 200: json(SourceSchema), ...errorResponses(403, 404) },
      }),
      async (c) => {
        const source = await ownedSource(engine, principal(c), c.req.valid('param').id);
        return c.json(await wire(await engine.sources[action](source.id)), 200);
      },
    );
  }

  app.openapi(
    createRoute({
      method: 'post',
      path: '/sources/{id}/sync',
      tags,
      summary: 'Sync a source now (202 once started; ?wait=true waits and returns the run)',
      request: { params: IdParam, query: SyncQuerySchema },
      responses: {
        200: json(SyncResponseSchema, 'Finished (with wait=true)'),
        202: json(SyncResponseSchema.extend({ run_id: z.string() }), 'Started'),
        ...errorResponses(403, 404, 409),
      },
    }),
    async (c) => {
      const source = await ownedSource(engine, principal(c), c.req.valid('param').id);
      const q = c.req.valid('query');
      const options = { trigger: 'api' as const, ...(q.mode ? { mode: q.mode } : {}) };
      if (q.wait === 'true') {
        const run = await engine.sync(source.id, options);
        return c.json({ status: 'finished' as const, run: runWire(run) }, 200);
      }
      // Answer once the run exists (its first progress event carries the id), or with the error that kept it
      // from starting (paused, already running).
      const runId = await new Promise<string>((resolve, reject) => {
        deps.background.start(async (signal) => {
          try {
            const run = await engine.sync(source.id, {
              ...options,
              signal,
              onProgress: (p) => resolve(p.runId),
            });
            resolve(run.id);
          } catch (err) {
            reject(err);
          }
        });
      });
      return c.json({ status: 'started' as const, run_id: runId }, 202);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/sources/{id}/history',
      tags,
      summary: 'Sync runs of a source, newest first',
      request: { params: IdParam, query: HistoryQuerySchema },
      responses: { 200: json(z.object({ runs: z.array(RunSchema) }).openapi('RunList')), ...errorResponses(400, 404) },
    }),
    async (c) => {
      const source = await ownedSource(engine, principal(c), c.req.valid('param').id);
      const runs = await engine.runs({ sourceId: source.id, limit: c.req.valid('query').limit ?? 50 });
      return c.json({ runs: runs.map(runWire) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/sources/{id}/stats',
      tags,
      summary: 'Counts of a source: memories, versions, by stream, runs by status',
      request: { params: IdParam },
      responses: { 200: json(StatsSchema), ...errorResponses(404) },
    }),
    async (c) => {
      const source = await ownedSource(engine, principal(c), c.req.valid('param').id);
      return c.json(statsWire(await engine.stats(source.id)), 200);
    },
  );
}
