import { createRoute, z } from '@hono/zod-openapi';
import { nextCronTime } from '@tributary/engine';
import { TributaryError } from '@tributary/sdk';
import type { Api, RouteDeps } from '../context.js';
import { ownedSource, principal } from '../context.js';
import { IdParam, errorResponses, json } from '../schemas/common.js';
import { SourceCreateSchema, SourceSchema, SyncQuerySchema } from '../schemas/sources.js';
import { runWire, scheduleFromWire, sourceWire } from '../wire.js';
import type { DashboardState } from './state.js';

const tags = ['dashboard'];
const body = <T extends z.ZodType>(schema: T) => ({
  body: { content: { 'application/json': { schema } }, required: true },
});
const ResourceSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.string(),
    description: z.string().optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .openapi('DiscoveredResource');
const LiveSchema = z
  .object({
    source_id: z.string(),
    run_id: z.string().nullable(),
    phase: z.string(),
    items_seen: z.number(),
    created: z.number(),
    updated: z.number(),
    deleted: z.number(),
    unchanged: z.number(),
    failed: z.number(),
    pages: z.number(),
    total: z.number().nullable(),
    started_at: z.string(),
  })
  .openapi('LiveProgress');
const OverviewSchema = z
  .object({
    sources: z.array(
      SourceSchema.extend({
        connector_title: z.string(),
        memories: z.number().int(),
        last_run: z.record(z.string(), z.unknown()).nullable(),
        next_sync_at: z.string().nullable(),
        schedule_status: z.string(),
        live: LiveSchema.nullable(),
      }),
    ),
  })
  .openapi('DashboardSources');
const ScheduleQuery = z
  .object({
    cron: z.string().min(1).max(200).optional(),
    interval_minutes: z.coerce.number().int().min(1).max(525600).optional(),
  })
  .strict();

/** Next `n` times of a schedule after `from` (cron wins over the interval, as in the scheduler). */
export function nextRuns(schedule: { cron?: string; interval_minutes?: number }, from: number, n = 3): string[] {
  const out: string[] = [];
  let t = from;
  for (let i = 0; i < n; i++) {
    if (schedule.cron) {
      const next = nextCronTime(schedule.cron, t);
      if (next === null) break;
      t = next;
    } else if (schedule.interval_minutes) t += schedule.interval_minutes * 60_000;
    else break;
    out.push(new Date(t).toISOString());
  }
  return out;
}

/**
 * What the dashboard needs beyond the REST resources: one overview request for the sources page, a draft source
 * (saved paused, checked with GET /sources/{id}/health before it is switched on), resource discovery, the next
 * times of a schedule, and a sync whose fine-grained progress feeds the live view.
 */
export function registerDashboardSourceRoutes(app: Api, deps: RouteDeps, state: DashboardState): void {
  const { engine } = deps;
  const connectorOf = (name: string) => engine.connectors.list().find((c) => c.manifest.name === name);

  app.openapi(
    createRoute({
      method: 'get',
      path: '/dashboard/sources',
      // Private to the dashboard (docs/dashboard.md): not part of the public API document.
      hide: true,
      tags,
      summary: 'Your sources with last run, next sync, memory count and live progress (the sources page)',
      responses: { 200: json(OverviewSchema), ...errorResponses() },
    }),
    async (c) => {
      const userId = principal(c).user.id;
      const sources = await engine.sources.list(userId);
      // A source of a disabled connector never runs whatever its status: the row says so (as GET /sources does).
      const disabled = new Set((await engine.connectors.registry.list()).filter((r) => !r.enabled).map((r) => r.name));
      const live = new Map(state.progress.snapshot().map((p) => [p.source_id, p]));
      // The newest run of every source from one query over the user's recent runs; a source whose last run is
      // older than that window (only possible when the window is full) is asked for on its own.
      const window = Math.max(200, sources.length * 4);
      const recent = await engine.runs({ ownerId: userId, limit: window });
      const lastRun = new Map<string, (typeof recent)[number]>();
      for (const r of recent) if (!lastRun.has(r.sourceId)) lastRun.set(r.sourceId, r);
      const full = recent.length >= window;
      const rows = await Promise.all(
        sources.map(async (s) => {
          const connector = connectorOf(s.sourceType);
          const [last, memories, sched] = await Promise.all([
            lastRun.get(s.id) ??
              (full ? engine.runs({ sourceId: s.id, limit: 1 }).then((r) => r[0]) : Promise.resolve(undefined)),
            engine.ports.memories.countMemories({ sourceId: s.id }),
            deps.scheduler.stateOf(s.id),
          ]);
          return {
            ...sourceWire(s, connector),
            status_reason: disabled.has(s.sourceType) ? 'connector disabled' : null,
            connector_title: connector?.manifest.title ?? s.sourceType,
            memories,
            last_run: last ? runWire(last) : null,
            next_sync_at: sched.nextDueAt,
            schedule_status: sched.status,
            live: live.get(s.id) ?? null,
          };
        }),
      );
      return c.json({ sources: rows }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/dashboard/connectors/{name}/auth',
      // Private to the dashboard (docs/dashboard.md): not part of the public API document.
      hide: true,
      tags,
      summary: 'How a connector authenticates: the OAuth provider behind "Connect with …", if any',
      request: { params: z.object({ name: z.string().min(1).max(100) }) },
      responses: {
        200: json(
          z.object({
            type: z.string(),
            provider: z.string().nullable(),
            allow_token: z.boolean(),
            other_providers: z.array(z.string()),
          }),
        ),
        ...errorResponses(404),
      },
    }),
    (c) => {
      const auth = engine.connectors.get(c.req.valid('param').name).manifest.auth as {
        type: string;
        provider?: string;
        allowToken?: boolean;
      };
      return c.json(
        {
          type: auth.type,
          provider: auth.type === 'oauth2' ? (auth.provider ?? null) : null,
          allow_token: auth.allowToken ?? false,
          // A self-hosted IdP (GitHub Enterprise, a company SSO) registered under its own name can connect it too.
          other_providers:
            auth.type === 'oauth2' ? (state.oauthProviders ?? []).filter((p) => p !== auth.provider) : [],
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/dashboard/drafts',
      // Private to the dashboard (docs/dashboard.md): not part of the public API document.
      hide: true,
      tags,
      summary: 'Save a new source paused (check it with GET /sources/{id}/health, then resume it to switch it on)',
      request: body(SourceCreateSchema),
      responses: {
        201: json(z.object({ source: SourceSchema }).openapi('DraftSource'), 'Created'),
        ...errorResponses(400, 403, 404, 409, 415),
      },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const schedule = scheduleFromWire(input.schedule);
      const created = await engine.sources.add({
        ownerId: principal(c).user.id,
        connector: input.source_type,
        name: input.name,
        ...(input.config ? { config: input.config } : {}),
        ...(input.features ? { features: input.features } : {}),
        ...(schedule !== undefined ? { schedule } : {}),
      });
      // Paused at once, so no scheduler syncs a source whose check has not passed yet.
      const paused = await engine.sources.pause(created.id);
      return c.json({ source: sourceWire(paused, connectorOf(paused.sourceType)) }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/sources/{id}/discover',
      tags: ['sources'],
      summary: "Resources the source's connector offers for pickers (channels, repositories, folders, calendars)",
      request: { params: IdParam },
      responses: {
        200: json(z.object({ supported: z.boolean(), resources: z.array(ResourceSchema) }).openapi('Discovered')),
        ...errorResponses(404),
      },
    }),
    async (c) => {
      const source = await ownedSource(engine, principal(c), c.req.valid('param').id);
      if (!connectorOf(source.sourceType)?.discover) return c.json({ supported: false, resources: [] }, 200);
      const resources = await engine.sources.discover(source.id);
      return c.json({ supported: true, resources: resources.slice(0, 5000) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/dashboard/schedule',
      // Private to the dashboard (docs/dashboard.md): not part of the public API document.
      hide: true,
      tags,
      summary: 'The next three times of a schedule (cron wins over interval_minutes); a bad cron is a 400 on `cron`',
      request: { query: ScheduleQuery },
      responses: {
        200: json(z.object({ next: z.array(z.string()) }).openapi('ScheduleTimes')),
        ...errorResponses(400),
      },
    }),
    (c) => {
      const q = c.req.valid('query');
      try {
        return c.json({ next: nextRuns(q, Date.now()) }, 200);
      } catch (err) {
        throw new TributaryError('invalid_input', (err as Error).message, {
          issues: [{ path: 'cron', message: 'not a valid cron expression' }],
        });
      }
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/dashboard/sources/{id}/sync',
      // Private to the dashboard (docs/dashboard.md): not part of the public API document.
      hide: true,
      tags,
      summary: 'Start a sync now (as POST /sources/{id}/sync) whose progress the dashboard streams live',
      request: { params: IdParam, query: SyncQuerySchema.omit({ wait: true }) },
      responses: {
        202: json(z.object({ status: z.literal('started'), run_id: z.string() }).openapi('SyncStarted')),
        ...errorResponses(403, 404, 409),
      },
    }),
    async (c) => {
      const source = await ownedSource(engine, principal(c), c.req.valid('param').id);
      const mode = c.req.valid('query').mode;
      const runId = await new Promise<string>((resolve, reject) => {
        deps.background.start(async (signal) => {
          try {
            const run = await engine.sync(source.id, {
              trigger: 'api',
              ...(mode ? { mode } : {}),
              signal,
              onProgress: (p) => {
                state.progress.report(p);
                resolve(p.runId);
              },
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
}
