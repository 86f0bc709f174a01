import { createRoute } from '@hono/zod-openapi';
import { listDeadJobs } from '../../jobs/dead-letters.js';
import type { Api, RouteDeps } from '../context.js';
import { ownedSource, principal } from '../context.js';
import { IdParam, errorResponses, json } from '../schemas/common.js';
import { SourceStatusSchema } from '../schemas/source-status.js';
import { runWire, sourceWire } from '../wire.js';

/** `GET /sources/{id}/status` (SEED-CONTRACTS §A): status, last sync, position, error, progress, next sync, backoff. */
export function registerSourceStatusRoutes(app: Api, deps: RouteDeps): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/sources/{id}/status',
      tags: ['sources'],
      summary: "A source's status: last sync, position, error, the running run's progress, next sync, backoff",
      request: { params: IdParam },
      responses: { 200: json(SourceStatusSchema), ...errorResponses(404) },
    }),
    async (c) => {
      const p = principal(c);
      const source = await ownedSource(deps.engine, p, c.req.valid('param').id);
      const [runs, state, dead] = await Promise.all([
        deps.engine.runs({ sourceId: source.id, limit: 20 }),
        deps.scheduler.stateOf(source.id),
        deps.queue
          ? listDeadJobs(
              { queue: deps.queue, sources: deps.engine.ports.sources },
              { userId: p.user.id, isAdmin: p.user.isAdmin },
              { sourceId: source.id },
            )
          : Promise.resolve([]),
      ]);
      const running = runs.find((r) => r.status === 'running') ?? null;
      const lastRun = runs.find((r) => r.status !== 'running') ?? null;
      const lastDead = dead.at(-1);
      return c.json(
        {
          id: source.id,
          name: source.name,
          source_type: source.sourceType,
          status: source.status,
          error_message: source.errorMessage,
          last_sync_at: source.lastSyncAt,
          last_sync_position: source.lastSyncPosition,
          running: running ? runWire(running) : null,
          last_run: lastRun ? runWire(lastRun) : null,
          schedule: sourceWire(source, undefined).schedule,
          schedule_from: state.scheduleFrom,
          schedule_status: state.status,
          next_sync_at: state.nextDueAt,
          backoff: { consecutive_failures: state.consecutiveFailures, until: state.backoffUntil },
          pending_webhook_events: state.pendingWebhookEvents,
          schedule_error: state.error,
          dead_letter: lastDead
            ? {
                count: dead.length,
                last_job_id: lastDead.id,
                last_failed_at: lastDead.failedAt,
                last_error: lastDead.error,
              }
            : null,
        },
        200,
      );
    },
  );
}
