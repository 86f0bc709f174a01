import { mkdirSync } from 'node:fs';
import type { Command } from 'commander';
import { TributaryError } from '@tributary/sdk';
import type { CliContext } from '../context.js';
import { formatTime, table } from '../io.js';
import { parsePositiveInt } from '../parse.js';
import type { ExitState } from '../program.js';
import {
  actOnAllDeadJobs,
  actOnDeadJob,
  listDeadJobs,
  type DeadJobView,
  type DeadLetterAction,
  type DeadLetterDeps,
} from '../../jobs/dead-letters.js';

/** The CLI runs as the operator: every dead job is theirs to see and act on. */
const OPERATOR = { userId: 'operator', isAdmin: true };

/** Opens the runtime's queue (embedded: the SQLite file; distributed: Redis) for one command, then closes it. */
async function withDeadLetters<T>(
  ctx: CliContext,
  fn: (deps: DeadLetterDeps, sourceId: (name: string) => Promise<string>) => Promise<T>,
): Promise<T> {
  mkdirSync(ctx.dataDir, { recursive: true, mode: 0o700 });
  const { openRuntime } = await import('../../runtime/open-runtime.js');
  const runtime = await openRuntime({
    dataDir: ctx.dataDir,
    env: ctx.io.env,
    connectors: ctx.connectors,
    syncIn: 'inline',
    recoverDeadRuns: false,
  });
  try {
    return await fn({ queue: runtime.queue, sources: runtime.store }, async (name) => {
      const source = await runtime.engine.sources.get(name);
      return source.id;
    });
  } finally {
    await runtime.close();
  }
}

function jobJson(j: DeadJobView): Record<string, unknown> {
  return { ...j };
}

/** `tributary jobs dead|retry|discard`: the dead-letter queue. */
export function registerJobs(program: Command, ctx: CliContext, _state: ExitState): void {
  const jobs = program.command('jobs').description('the job queue: dead jobs (failed for good), retry, discard');

  jobs
    .command('dead')
    .description('list dead jobs, oldest first, with their source and last error')
    .option('--source <name>', 'only the dead jobs of this source')
    .option('--limit <n>', 'how many at most')
    .option('--json', 'print as JSON')
    .action(async (opts: { source?: string; limit?: string; json?: boolean }) => {
      const limit = opts.limit === undefined ? undefined : parsePositiveInt(opts.limit, '--limit');
      const list = await withDeadLetters(ctx, async (deps, sourceId) =>
        listDeadJobs(deps, OPERATOR, {
          ...(opts.source ? { sourceId: await sourceId(opts.source) } : {}),
          ...(limit !== undefined ? { limit } : {}),
        }),
      );
      if (opts.json) return ctx.out.json({ jobs: list.map(jobJson) });
      if (list.length === 0) return ctx.out.line('No dead jobs.');
      const lines = table(
        ['ID', 'SOURCE', 'TYPE', 'ATTEMPTS', 'FAILED', 'ERROR'],
        list.map((j) => [
          j.id,
          j.sourceName ?? `${j.sourceId} (removed)`,
          j.type,
          String(j.attempts),
          formatTime(j.failedAt),
          j.error.length > 100 ? `${j.error.slice(0, 99)}…` : j.error,
        ]),
      );
      for (const l of lines) ctx.out.line(l);
      ctx.out.line(
        ctx.out.dim('Retry one: tributary jobs retry <id> · drop one: tributary jobs discard <id> (or --all)'),
      );
    });

  for (const action of ['retry', 'discard'] as const satisfies DeadLetterAction[]) {
    jobs
      .command(action)
      .argument('[id]', 'the dead job (see tributary jobs dead)')
      .description(
        action === 'retry'
          ? 'put a dead job back in the queue with fresh attempts (a worker or `up` runs it)'
          : 'delete a dead job for good',
      )
      .option('--all', 'every dead job (with --source: of that source)')
      .option('--source <name>', 'with --all: only the dead jobs of this source')
      .option('--json', 'print as JSON')
      .action(async (id: string | undefined, opts: { all?: boolean; source?: string; json?: boolean }) => {
        if ((id === undefined) === !opts.all)
          throw new TributaryError('invalid_input', `Pass a dead job id or --all: tributary jobs ${action} <id>`);
        if (opts.source && !opts.all) throw new TributaryError('invalid_input', '--source only goes with --all.');
        const done = await withDeadLetters(ctx, async (deps, sourceId) =>
          id !== undefined
            ? [await actOnDeadJob(deps, OPERATOR, id, action)]
            : actOnAllDeadJobs(deps, OPERATOR, action, opts.source ? { sourceId: await sourceId(opts.source) } : {}),
        );
        if (opts.json) return ctx.out.json({ action, count: done.length, jobs: done.map(jobJson) });
        const verb = action === 'retry' ? 'Re-queued' : 'Discarded';
        if (done.length === 0) return ctx.out.line('No dead jobs.');
        for (const j of done) ctx.out.line(`${verb} ${j.id} (${j.sourceName ?? j.sourceId}): ${j.error}`);
      });
  }
}
