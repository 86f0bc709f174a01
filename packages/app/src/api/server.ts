import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import type { Engine } from '@tributary/engine';
import { createApp, type TributaryApp } from './app.js';
import { isLoopbackHost } from './host-guard.js';
import type { ApiLimits, AppDeps } from './context.js';
import type { Metrics } from './metrics.js';

export interface StartServerOptions {
  engine: Engine;
  /** 0 picks a free port. @default 3099 */
  port?: number;
  /** @default 127.0.0.1 */
  host?: string;
  metrics?: Metrics;
  limits?: Partial<ApiLimits>;
  log?: AppDeps['log'];
  oauth?: AppDeps['oauth'];
  publicUrl?: AppDeps['publicUrl'];
  triggerWebhookSync?: AppDeps['triggerWebhookSync'];
  queue?: AppDeps['queue'];
  scheduler?: AppDeps['scheduler'];
  dashboard?: AppDeps['dashboard'];
  /** Adds routes (the dashboard) to the app before it starts serving. */
  configure?: (app: TributaryApp) => void;
}

export interface RunningServer {
  /** `http://host:port` (the bound port when 0 was asked). */
  url: string;
  port: number;
  /** Stops accepting, aborts background syncs, closes connections. Does not close the engine. */
  close(): Promise<void>;
}

/** Starts the REST API (+ `POST /mcp`) on Node's HTTP server. */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const built = createApp({
    engine: options.engine,
    loopbackOnly: isLoopbackHost(host),
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.log ? { log: options.log } : {}),
    ...(options.oauth ? { oauth: options.oauth } : {}),
    ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
    ...(options.triggerWebhookSync ? { triggerWebhookSync: options.triggerWebhookSync } : {}),
    ...(options.queue ? { queue: options.queue } : {}),
    ...(options.scheduler ? { scheduler: options.scheduler } : {}),
    ...(options.dashboard ? { dashboard: options.dashboard } : {}),
  });
  options.configure?.(built);
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: built.fetch, port: options.port ?? 3099, hostname: host }, () => resolve(s));
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    async close() {
      await built.shutdown();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
    },
  };
}
