import path from 'node:path';
import type { Command } from 'commander';
import { createLogger, TributaryError } from '@tributary/sdk';
import { LOCAL_USER_ID } from '@tributary/engine/engine/types';
import { ensureBootstrapToken, TOKEN_FILE } from '../../auth/tokens.js';
import type { CliContext } from '../context.js';
import type { ExitState } from '../program.js';
import { processModules, stderrLog, untilStopped } from './processes.js';
import { mkdirSync } from 'node:fs';

interface UpFlags {
  port: string;
  host: string;
  concurrency: string;
  intervalMs: string;
}

/**
 * `tributary up`: everything in one process on the embedded store — the HTTP API (and MCP on /mcp), the
 * scheduler, a worker and the realtime watchers. The README's main command.
 */
export function registerUp(program: Command, ctx: CliContext, _state: ExitState): void {
  program
    .command('up')
    .description('run everything in one process: API + MCP, scheduler, worker, realtime watchers (until Ctrl-C)')
    .option('--port <port>', 'port to listen on (0 picks a free one)', '3099')
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option('--concurrency <n>', 'syncs run at once', '2')
    .option('--interval-ms <ms>', 'how often the scheduler looks for due sources and debounced webhooks', '2000')
    .action(async (opts: UpFlags) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new TributaryError('invalid_input', `--port "${opts.port}": use a port number from 0 to 65535.`);
      const concurrency = Number(opts.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)
        throw new TributaryError('invalid_input', `--concurrency "${opts.concurrency}": use 1 to 64.`);
      const intervalMs = Number(opts.intervalMs);
      if (!Number.isInteger(intervalMs) || intervalMs < 100)
        throw new TributaryError('invalid_input', `--interval-ms "${opts.intervalMs}": use at least 100.`);
      mkdirSync(ctx.dataDir, { recursive: true, mode: 0o700 });
      const log = stderrLog(ctx);
      const logger = createLogger(log, { level: 'info' });
      const {
        createMetrics,
        openRuntime,
        providersFromEnv,
        publicUrlFromEnv,
        startScheduler,
        startServer,
        startWatchers,
        startWorker,
      } = await processModules();
      const metrics = createMetrics();
      const { createDashboardState, loginLink } = await import('../../api/dashboard/state.js');
      const dashboard = createDashboardState({
        loginLinks: true,
        oauthProviders: Object.keys(providersFromEnv(ctx.io.env).providers),
        vault: () => ({ keySource: ctx.io.env.TRIBUTARY_SECRET_KEY ? 'env' : 'file', encryption: 'AES-256-GCM' }),
      });
      const runtime = await openRuntime({
        dataDir: ctx.dataDir,
        env: ctx.io.env,
        connectors: ctx.connectors,
        log,
        registerConnectors: true,
        onEvent: (event) => {
          metrics.onEvent(event);
          dashboard.progress.onEvent(event);
        },
        // The worker's jobs and syncs started over the API each get a thread.
        syncThreads: Math.max(2, concurrency),
      });
      try {
        const token = await ensureBootstrapToken(runtime.store, runtime.mode === 'embedded' ? ctx.dataDir : undefined);
        const publicUrl = publicUrlFromEnv(ctx.io.env);
        const server = await startServer({
          engine: runtime.engine,
          port,
          host: opts.host,
          metrics,
          log: (m, f) => logger.info(m, f),
          oauth: runtime.oauth,
          queue: runtime.queue,
          scheduler: runtime.scheduler,
          dashboard,
          ...(publicUrl ? { publicUrl } : {}),
        });
        const worker = startWorker(runtime, { concurrency, logger });
        const scheduler = startScheduler(runtime, { logger, intervalMs, env: ctx.io.env });
        const realtime = startWatchers(runtime, logger);
        const queueGauge = setInterval(() => {
          void runtime.queue
            .stats()
            .then((s) => metrics.setQueueDepth(s.depth))
            .catch(() => undefined);
        }, 5000);
        queueGauge.unref();
        ctx.out.line(`Tributary is up (${runtime.mode} mode, data in ${ctx.dataDir})`);
        ctx.out.line(`  API  ${server.url}/api/v1   docs ${server.url}/api/v1/docs   MCP ${server.url}/mcp`);
        // The one-time link signs in as the single local user: only in embedded mode.
        dashboard.loginLinks = runtime.mode === 'embedded';
        if (dashboard.loginLinks)
          ctx.out.line(`  Dashboard  ${loginLink(dashboard, server.url, LOCAL_USER_ID)}  (one-time sign-in link)`);
        if (token) {
          ctx.out.line(
            `  First admin API token (shown once; saved to ${path.join(ctx.dataDir, TOKEN_FILE)}, mode 0600):`,
          );
          ctx.out.line(`    ${token}`);
        }
        ctx.out.line('  Scheduler and worker running; Ctrl-C stops (committed work is kept).');
        await untilStopped(ctx);
        ctx.out.note('Stopping…');
        clearInterval(queueGauge);
        await realtime.stop();
        await scheduler.stop();
        await worker.stop();
        await server.close();
      } finally {
        await runtime.close();
      }
    });
}
