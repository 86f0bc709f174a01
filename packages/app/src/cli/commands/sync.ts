import type { Command } from 'commander';
import type { RunRecord, SourceRecord } from '@tributary/engine';
import { LOCAL_USER_ID } from '@tributary/engine/engine/types';
import { TributaryError, toTributaryError } from '@tributary/sdk';
import type { CliContext } from '../context.js';
import { EXIT } from '../errors.js';
import { formatDuration } from '../io.js';
import { parsePositiveInt } from '../parse.js';
import type { ExitState } from '../program.js';

/** The `--json` shape of one run in `tributary sync` (and `tributary runs`). */
export interface RunJson {
  runId: string | null;
  source: string;
  sourceId: string;
  mode: string | null;
  status: string;
  itemsSeen: number;
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
  errors: number;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  error: string | null;
  errorCode: string | null;
}

/** A run record in the CLI's shape. */
export function runJson(run: RunRecord, sourceName: string): RunJson {
  const durationMs = run.finishedAt ? Date.parse(run.finishedAt) - Date.parse(run.startedAt) : null;
  return {
    runId: run.id,
    source: sourceName,
    sourceId: run.sourceId,
    mode: run.mode,
    status: run.status,
    itemsSeen: run.itemsSeen,
    created: run.created,
    updated: run.updated,
    deleted: run.deleted,
    unchanged: run.unchanged,
    errors: run.failed,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    durationMs,
    error: run.error,
    errorCode: run.errorCode,
  };
}

/** One line per run: `notes: succeeded — created 12, updated 0, deleted 0, unchanged 3, errors 0 in 1.2s`. */
export function summaryLine(r: RunJson): string {
  const counts = `created ${r.created}, updated ${r.updated}, deleted ${r.deleted}, unchanged ${r.unchanged}, errors ${r.errors}`;
  const time = r.durationMs === null ? '' : ` in ${formatDuration(r.durationMs)}`;
  return `${r.source}: ${r.status} — ${counts}${time}${r.error ? ` — ${r.error}` : ''}`;
}

/** `tributary sync [name | --all]`. */
export function registerSync(program: Command, ctx: CliContext, state: ExitState): void {
  program
    .command('sync')
    .argument('[name]', 'the source to sync (name or id)')
    .description(
      'sync a source now (or every active one with --all); Ctrl-C stops after the current item, keeping what is committed',
    )
    .option('--all', 'sync every source that is not paused, one after another')
    .option('--backfill-days <n>', 'on a first sync (or a full refresh), read only the last N days')
    .option('--full-refresh', 're-read everything; what is gone upstream is deleted')
    .option('--json', 'print the runs as JSON (no progress display)')
    .action(
      async (
        name: string | undefined,
        opts: { all?: boolean; backfillDays?: string; fullRefresh?: boolean; json?: boolean },
      ) => {
        if (name !== undefined && opts.all)
          throw new TributaryError('invalid_input', 'Pass a source name or --all, not both.');
        if (name === undefined && !opts.all)
          throw new TributaryError('invalid_input', 'Name the source to sync (tributary sync <name>) or pass --all.');
        const backfillDays =
          opts.backfillDays === undefined ? undefined : parsePositiveInt(opts.backfillDays, '--backfill-days');
        // For a run inline (TRIBUTARY_SYNC_THREADS=0); a sync thread sets the same (runtime/sync-heap.ts).
        (await import('../../runtime/sync-heap.js')).boundSyncHeapGrowth();
        const engine = await ctx.engine();
        const targets: SourceRecord[] =
          name !== undefined
            ? [await engine.sources.get(name, LOCAL_USER_ID)]
            : (await engine.sources.list(LOCAL_USER_ID)).filter((s) => s.status !== 'paused');
        if (targets.length === 0) {
          if (opts.json) return ctx.out.json({ runs: [], interrupted: false });
          ctx.out.line('Nothing to sync: no active sources.');
          return;
        }

        const controller = new AbortController();
        let interrupted = false;
        const removeHandler = ctx.io.onInterrupt(() => {
          interrupted = true;
          controller.abort();
          ctx.out.note('\nStopping after the current item; committed work is kept. (Ctrl-C again to quit at once.)');
          removeHandler(); // a second Ctrl-C gets Node's default: exit now
        });

        const { createProgressView } = await import('../progress.js'); // cli-progress: only when syncing
        const view = createProgressView(ctx.io, { quiet: opts.json === true });
        const results: RunJson[] = [];
        try {
          for (const source of targets) {
            if (controller.signal.aborted) break;
            try {
              const run = await engine.sync(source.id, {
                mode: opts.fullRefresh ? 'full_refresh' : 'incremental',
                ...(backfillDays !== undefined ? { backfillDays } : {}),
                trigger: 'manual',
                signal: controller.signal,
                onProgress: (p) => view.update(source.name, p),
              });
              results.push(runJson(run, source.name));
            } catch (err) {
              // One source failing must not hide the others in --all; a single named source reports its own error.
              if (name !== undefined) throw err;
              const e = toTributaryError(err);
              results.push(failedRun(source, e.message, e.code));
            } finally {
              view.stop();
            }
          }
        } finally {
          removeHandler();
        }

        if (opts.json) ctx.out.json({ runs: results, interrupted });
        else
          for (const r of results)
            ctx.out.line(r.status === 'succeeded' ? ctx.out.green(summaryLine(r)) : ctx.out.red(summaryLine(r)));
        if (interrupted) {
          if (!opts.json)
            ctx.out.note('Interrupted. Resume with the same command: it continues from the last checkpoint.');
          state.code = EXIT.interrupted;
        } else if (results.some((r) => r.status !== 'succeeded')) {
          state.code = EXIT.failure;
        }
      },
    );
}

function failedRun(source: SourceRecord, message: string, code: string): RunJson {
  return {
    runId: null,
    source: source.name,
    sourceId: source.id,
    mode: null,
    status: 'failed',
    itemsSeen: 0,
    created: 0,
    updated: 0,
    deleted: 0,
    unchanged: 0,
    errors: 0,
    startedAt: null,
    finishedAt: null,
    durationMs: null,
    error: message,
    errorCode: code,
  };
}
