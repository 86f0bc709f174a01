import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { Engine, EngineEvent, JobQueue, OAuthFlow, Scheduler } from '@tributary/engine';
import { LOCAL_USER_ID } from '@tributary/engine/engine/types';
import { TributaryError } from '@tributary/sdk';
import type { Metrics } from '../../api/metrics.js';
import { ensureBootstrapToken, TOKEN_FILE } from '../../auth/tokens.js';
import { engineOf } from '../engine-factory.js';
import type { CliContext } from '../context.js';
import { parsePositiveInt } from '../parse.js';
import type { ExitState } from '../program.js';
import { processModules, untilStopped } from './processes.js';

interface ServeFlags {
  port: string;
  host: string;
  maxBodyMb?: string;
  maxIngestItems?: string;
  rateLimit?: string;
}

/**
 * Opens the runtime for a long-running server (the same as `up`, `worker` and the CLI: embedded SQLite, or
 * PostgreSQL + Redis when both URLs are set) with metrics wired to the engine's events, the vault and the OAuth flow.
 */
export async function openServerEngine(
  ctx: CliContext,
  metrics: Metrics,
  onEvent?: (event: EngineEvent) => void,
): Promise<{ engine: Engine; oauth: OAuthFlow; queue: JobQueue; scheduler: Scheduler }> {
  mkdirSync(ctx.dataDir, { recursive: true, mode: 0o700 });
  const { openRuntime } = await processModules();
  const runtime = await openRuntime({
    dataDir: ctx.dataDir,
    env: ctx.io.env,
    connectors: ctx.connectors,
    registerConnectors: true,
    // Warnings (a connector missing environment variables at start, skipped items) on stderr; details stay quiet.
    log: (r) => {
      if (r.level === 'warn' || r.level === 'error') ctx.out.note(`${r.level}: ${r.message}`);
    },
    onEvent: (event) => {
      metrics.onEvent(event);
      onEvent?.(event);
    },
  });
  return { engine: engineOf(runtime), oauth: runtime.oauth, queue: runtime.queue, scheduler: runtime.scheduler };
}

/** `tributary serve`: the REST API and `POST /mcp` until interrupted. */
export function registerServe(program: Command, ctx: CliContext, _state: ExitState): void {
  program
    .command('serve')
    .description('run the HTTP API (REST under /api/v1, MCP on /mcp) until Ctrl-C')
    .option('--port <port>', 'port to listen on (0 picks a free one)', '3099')
    .option('--host <host>', 'interface to bind (0.0.0.0 for all)', '127.0.0.1')
    .option('--max-body-mb <n>', 'largest request body in MiB (default 10)')
    .option('--max-ingest-items <n>', 'most items per ingest request (default 1000)')
    .option('--rate-limit <n>', 'sustained requests per second per token (burst 6×; 0 turns it off; default 100)')
    .action(async (opts: ServeFlags) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new TributaryError('invalid_input', `--port "${opts.port}": use a port number from 0 to 65535.`);
      const rate = opts.rateLimit === undefined ? undefined : Number(opts.rateLimit);
      if (rate !== undefined && !(rate >= 0))
        throw new TributaryError('invalid_input', `--rate-limit "${opts.rateLimit}": use a number ≥ 0.`);
      const { createMetrics, providersFromEnv, publicUrlFromEnv, startServer } = await processModules();
      const metrics = createMetrics();
      const { createDashboardState, loginLink } = await import('../../api/dashboard/state.js');
      // Embedded (SQLite, single user): the dashboard may be opened with a one-time link.
      const embedded = !ctx.io.env.TRIBUTARY_DATABASE_URL;
      const dashboard = createDashboardState({
        loginLinks: embedded,
        oauthProviders: Object.keys(providersFromEnv(ctx.io.env).providers),
        vault: () => ({
          keySource: ctx.io.env.TRIBUTARY_SECRET_KEY ? 'env' : 'file',
          encryption: 'AES-256-GCM',
        }),
      });
      const { engine, oauth, queue, scheduler } = await openServerEngine(ctx, metrics, dashboard.progress.onEvent);
      const publicUrl = publicUrlFromEnv(ctx.io.env);
      try {
        const token = await ensureBootstrapToken(
          engine.ports.auth,
          ctx.io.env.TRIBUTARY_DATABASE_URL ? undefined : ctx.dataDir,
        );
        const server = await startServer({
          engine,
          port,
          host: opts.host,
          metrics,
          oauth,
          queue,
          scheduler,
          dashboard,
          ...(publicUrl ? { publicUrl } : {}),
          limits: {
            ...(opts.maxBodyMb
              ? { maxBodyBytes: parsePositiveInt(opts.maxBodyMb, '--max-body-mb') * 1024 * 1024 }
              : {}),
            ...(opts.maxIngestItems
              ? { maxIngestItems: parsePositiveInt(opts.maxIngestItems, '--max-ingest-items') }
              : {}),
            ...(rate !== undefined ? { rateLimit: rate === 0 ? false : { perSecond: rate, burst: rate * 6 } } : {}),
          },
          log: (message, fields) => ctx.out.note(`${message}${fields ? ` ${JSON.stringify(fields)}` : ''}`),
        });
        ctx.out.line(
          `Tributary API listening on ${server.url} (REST ${server.url}/api/v1, docs ${server.url}/api/v1/docs, MCP ${server.url}/mcp)`,
        );
        if (embedded) ctx.out.line(`Dashboard: ${loginLink(dashboard, server.url, LOCAL_USER_ID)} (one-time link)`);
        if (token) {
          const where = ctx.io.env.TRIBUTARY_DATABASE_URL
            ? ''
            : ` (also saved to ${path.join(ctx.dataDir, TOKEN_FILE)}, mode 0600)`;
          ctx.out.line(`Created the first admin API token; it is shown only once${where}:`);
          ctx.out.line(`  ${token}`);
        }
        await untilStopped(ctx);
        ctx.out.note('Stopping…');
        await server.close();
      } finally {
        await engine.close();
      }
    });
}
