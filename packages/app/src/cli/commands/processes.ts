import { mkdirSync } from 'node:fs';
import type { Command } from 'commander';
import { createLogger, TributaryError, type LogRecord } from '@tributary/sdk';
import type { Runtime } from '../../runtime/open-runtime.js';
import type { CliContext } from '../context.js';
import type { ExitState } from '../program.js';

/**
 * The modules of the long-running commands (runtime and its drivers, API server, metrics, watchers), imported when
 * one of them runs: at the top of the CLI they would cost every `tributary --help` a second.
 */
export async function processModules() {
  const [runtime, processes, watchers, oauthEnv, server, metrics] = await Promise.all([
    import('../../runtime/open-runtime.js'),
    import('../../runtime/processes.js'),
    import('../../runtime/watchers.js'),
    import('../../runtime/oauth-env.js'),
    import('../../api/server.js'),
    import('../../api/metrics.js'),
  ]);
  return { ...runtime, ...processes, ...watchers, ...oauthEnv, ...server, ...metrics };
}

/** Opens the runtime (embedded or distributed, by environment) for a long-running process. */
export async function openProcessRuntime(
  ctx: CliContext,
  log: (r: LogRecord) => void,
  syncThreads?: number,
): Promise<Runtime> {
  mkdirSync(ctx.dataDir, { recursive: true, mode: 0o700 });
  const { openRuntime } = await import('../../runtime/open-runtime.js');
  return openRuntime({
    dataDir: ctx.dataDir,
    env: ctx.io.env,
    connectors: ctx.connectors,
    log,
    registerConnectors: true,
    ...(syncThreads !== undefined ? { syncThreads } : {}),
  });
}

/** One log line per record on stderr: `time level message {fields}` (already redacted by the SDK logger). */
export function stderrLog(ctx: CliContext): (r: LogRecord) => void {
  return (r) =>
    ctx.io.stderr.write(
      `${new Date(r.time).toISOString()} ${r.level} ${r.message}${Object.keys(r.fields).length ? ` ${JSON.stringify(r.fields)}` : ''}\n`,
    );
}

/** Resolves on Ctrl-C or SIGTERM (a second signal exits at once: see main.ts). */
export function untilStopped(ctx: CliContext): Promise<void> {
  return new Promise((resolve) => {
    const off = ctx.io.onInterrupt(() => done());
    const done = (): void => {
      off();
      process.off('SIGTERM', done);
      resolve();
    };
    process.once('SIGTERM', done);
  });
}

function positiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 256)
    throw new TributaryError('invalid_input', `${flag} "${value}": use a whole number from 1 to 256.`);
  return n;
}

/** `tributary worker` and `tributary scheduler`: the processes of the distributed topology (docs/deployment.md). */
export function registerProcesses(program: Command, ctx: CliContext, _state: ExitState): void {
  program
    .command('worker')
    .description('consume sync jobs from the queue until SIGTERM (finishes or checkpoints the current batch first)')
    .option('--concurrency <n>', 'jobs run at once', '2')
    .action(async (opts: { concurrency: string }) => {
      const concurrency = positiveInt(opts.concurrency, '--concurrency');
      const log = stderrLog(ctx);
      // One sync thread per job slot: every job runs off the loop that answers signals.
      const runtime = await openProcessRuntime(ctx, log, concurrency);
      const { startWorker } = await import('../../runtime/processes.js');
      const logger = createLogger(log);
      try {
        const worker = startWorker(runtime, { concurrency, logger });
        ctx.out.line(`worker ${worker.consumerName} started (${runtime.mode} mode, concurrency ${concurrency})`);
        await untilStopped(ctx);
        ctx.out.note('Stopping: committing the current batch and releasing jobs…');
        await worker.stop();
      } finally {
        await runtime.close();
      }
    });

  program
    .command('scheduler')
    .description('enqueue due syncs (intervals, cron, backoff); in distributed mode one elected leader acts at a time')
    .option('--interval-ms <ms>', 'how often to look for due sources', '15000')
    .action(async (opts: { intervalMs: string }) => {
      const intervalMs = Number(opts.intervalMs);
      if (!Number.isInteger(intervalMs) || intervalMs < 100)
        throw new TributaryError('invalid_input', `--interval-ms "${opts.intervalMs}": use at least 100.`);
      const log = stderrLog(ctx);
      const runtime = await openProcessRuntime(ctx, log);
      const { startScheduler } = await import('../../runtime/processes.js');
      const logger = createLogger(log);
      try {
        const loop = startScheduler(runtime, { logger, intervalMs, env: ctx.io.env });
        ctx.out.line(`scheduler started (${runtime.mode} mode, every ${intervalMs} ms)`);
        await untilStopped(ctx);
        await loop.stop();
      } finally {
        await runtime.close();
      }
    });
}
