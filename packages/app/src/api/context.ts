import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Engine, OAuthFlow, SourceRecord } from '@tributary/engine';
import { TributaryError } from '@tributary/sdk';
import type { Principal } from '../auth/authenticate.js';
import { DEFAULT_RATE_LIMIT, type RateLimitOptions } from '../auth/rate-limit.js';
import type { Metrics } from './metrics.js';

/** Request limits of the API (all configurable through {@link AppDeps.limits}). */
export interface ApiLimits {
  /** Largest request body. @default 10 MiB */
  maxBodyBytes: number;
  /** Most items in one ingest request. @default 1000 */
  maxIngestItems: number;
  /** Token bucket per API token; `false` turns it off. @default { burst: 600, perSecond: 100 } */
  rateLimit: RateLimitOptions | false;
}

export const DEFAULT_LIMITS: ApiLimits = {
  maxBodyBytes: 10 * 1024 * 1024,
  maxIngestItems: 1000,
  rateLimit: DEFAULT_RATE_LIMIT,
};

/** What {@link createApp} needs. */
export interface AppDeps {
  engine: Engine;
  /** Metrics to expose on /metrics; pass the same object's `onEvent` to the engine. Created when absent. */
  metrics?: Metrics;
  limits?: Partial<ApiLimits>;
  /**
   * Refuse requests whose Host/Origin is not a loopback name (DNS-rebinding protection). `startServer` turns it on
   * when it binds to a loopback address. @default false
   */
  loopbackOnly?: boolean;
  /** Receives server-side errors (already without secrets). */
  log?: (message: string, fields?: Record<string, unknown>) => void;
  /** The OAuth flow behind `/oauth/{provider}/…` and `DELETE /sources/{id}/connection`; absent → `unsupported`. */
  oauth?: OAuthFlow;
  /** The origin providers redirect back to (`TRIBUTARY_PUBLIC_URL`); else the request's own origin. */
  publicUrl?: string;
  /**
   * Where verified webhooks send their sync request; `up` passes the scheduler's debounced trigger.
   * Default: an incremental sync in this process's background.
   */
  triggerWebhookSync?: import('./webhook-dispatch.js').WebhookSyncTrigger;
  /** The job queue behind `/jobs/dead…` and the `tributary_dead_letters` gauge; absent → those routes are 501. */
  queue?: import('@tributary/engine').JobQueue;
  /**
   * The scheduler whose state `GET /sources/{id}/status` reports (next sync, backoff). Absent: one computed from
   * the store with the default policy (sources without a schedule are manual).
   */
  scheduler?: Pick<import('@tributary/engine').Scheduler, 'stateOf' | 'defaultIntervalMinutes'>;
  /** The dashboard's sessions and live progress (the process feeds engine events into it); created when absent. */
  dashboard?: import('./dashboard/state.js').DashboardState;
}

/** Whoever reads: an API token's user, or the local user of the stdio MCP server. */
export interface Caller {
  user: { id: string };
}

export type AppEnv = { Variables: { principal: Principal } };
export type Api = OpenAPIHono<AppEnv>;

/** Background syncs started by `POST /sources/{id}/sync`, aborted when the server closes. */
export interface BackgroundSyncs {
  start(run: (signal: AbortSignal) => Promise<unknown>): void;
  abortAll(): Promise<void>;
}

export interface RouteDeps {
  engine: Engine;
  limits: ApiLimits;
  background: BackgroundSyncs;
  log: (message: string, fields?: Record<string, unknown>) => void;
  queue?: AppDeps['queue'];
  scheduler: NonNullable<AppDeps['scheduler']>;
}

/** The caller (set by the auth middleware on every authenticated route). */
export function principal(c: Context<AppEnv>): Principal {
  return c.get('principal');
}

/**
 * The caller's source by id or name. Another user's source is `not_found`, never `forbidden`: the answer must
 * not confirm that it exists.
 */
export async function ownedSource(engine: Engine, p: Caller, idOrName: string): Promise<SourceRecord> {
  try {
    return await engine.sources.get(idOrName, p.user.id);
  } catch (err) {
    if (err instanceof TributaryError && err.code === 'not_found')
      throw new TributaryError('not_found', `No source "${idOrName}".`, {
        issues: [{ path: 'path.id', message: 'no such source' }],
      });
    throw err;
  }
}

export function createBackgroundSyncs(log: RouteDeps['log']): BackgroundSyncs {
  const running = new Map<Promise<unknown>, AbortController>();
  return {
    start(run) {
      const controller = new AbortController();
      const p: Promise<unknown> = run(controller.signal)
        .catch((err: unknown) => log('background sync failed', { error: (err as Error).message }))
        .finally(() => running.delete(p));
      running.set(p, controller);
    },
    async abortAll() {
      for (const c of running.values()) c.abort(new TributaryError('aborted', 'Server closing.'));
      await Promise.allSettled([...running.keys()]);
    },
  };
}
