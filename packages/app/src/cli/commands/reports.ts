import type { Command } from 'commander';
import type { EmbeddingStatus, SourceRecord } from '@tributary/engine';
import { LOCAL_USER_ID } from '@tributary/engine/engine/types';
import type { CliContext } from '../context.js';
import { formatTime, table } from '../io.js';
import { parsePositiveInt } from '../parse.js';
import type { ExitState } from '../program.js';
import { describeSchedule } from '../source-view.js';
import { defaultInterval } from '../../runtime/schedule-env.js';
import { runJson, summaryLine } from './sync.js';

/** `tributary runs [name]`, `tributary status`, `tributary stats [name]`. */
export function registerReports(program: Command, ctx: CliContext, _state: ExitState): void {
  program
    .command('runs')
    .argument('[name]', 'only this source')
    .description('sync history, newest first')
    .option('--limit <n>', 'how many runs', '20')
    .option('--json', 'print as JSON')
    .action(async (name: string | undefined, opts: { limit: string; json?: boolean }) => {
      const limit = parsePositiveInt(opts.limit, '--limit');
      const engine = await ctx.readEngine({ recoverDeadRuns: true });
      const names = await sourceNames(ctx);
      const sourceId = name === undefined ? undefined : (await engine.sources.get(name, LOCAL_USER_ID)).id;
      const runs = await engine.runs({ ownerId: LOCAL_USER_ID, limit, ...(sourceId ? { sourceId } : {}) });
      const rows = runs.map((r) => runJson(r, names.get(r.sourceId) ?? r.sourceId));
      if (opts.json) return ctx.out.json({ runs: rows });
      if (rows.length === 0) return ctx.out.line('No runs yet. Start one: tributary sync <name>');
      for (const r of rows) ctx.out.line(`${formatTime(r.startedAt)}  ${r.mode?.padEnd(12) ?? ''} ${summaryLine(r)}`);
    });

  program
    .command('status')
    .description('every source: status, last sync, how many memories, last error')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }) => {
      const engine = await ctx.readEngine({ recoverDeadRuns: true });
      const sources = await engine.sources.list(LOCAL_USER_ID);
      const rows = await Promise.all(sources.map((s) => statusOf(ctx, s)));
      // A source of a disabled connector never runs, whatever its own status (docs/features.md).
      const disabled = new Set((await engine.connectors.registry.list()).filter((c) => !c.enabled).map((c) => c.name));
      // The operator's default interval (TRIBUTARY_DEFAULT_INTERVAL_MINUTES) is what the scheduler uses for
      // sources without a schedule; unset, they are manual and the scheduler never syncs them.
      const defaultIntervalMinutes = defaultInterval(ctx.io.env.TRIBUTARY_DEFAULT_INTERVAL_MINUTES);
      const scheduleOf = (r: (typeof rows)[number]): string =>
        r.schedule && (r.schedule.cron || r.schedule.intervalMinutes)
          ? describeSchedule(r.schedule)
          : defaultIntervalMinutes !== null
            ? `every ${defaultIntervalMinutes}m (default)`
            : 'manual';
      const search = await engine.embeddings.status();
      if (opts.json)
        return ctx.out.json({
          dataDir: ctx.dataDir,
          defaultIntervalMinutes,
          search,
          sources: rows.map((r) => ({
            ...r,
            effectiveSchedule: scheduleOf(r),
            ...(disabled.has(r.connector) ? { statusReason: 'connector disabled' } : {}),
          })),
        });
      ctx.out.line(ctx.out.dim(`Data dir: ${ctx.dataDir}`));
      ctx.out.line(ctx.out.dim(searchLine(search)));
      ctx.out.line(
        ctx.out.dim(
          defaultIntervalMinutes !== null
            ? `Sources without a schedule sync every ${defaultIntervalMinutes}m (TRIBUTARY_DEFAULT_INTERVAL_MINUTES).`
            : 'Sources without a schedule are manual: synced only by `tributary sync`, the API or webhooks.',
        ),
      );
      if (rows.length === 0)
        return ctx.out.line('No sources yet. Add one: tributary sources add <connector> --name <name> …');
      const lines = table(
        ['NAME', 'CONNECTOR', 'STATUS', 'SCHEDULE', 'LAST SYNC', 'MEMORIES', 'LAST RUN'],
        rows.map((r) => [
          r.name,
          r.connector,
          disabled.has(r.connector) ? 'connector disabled' : r.status,
          scheduleOf(r),
          formatTime(r.lastSyncAt),
          String(r.memories),
          r.lastRun?.status ?? '-',
        ]),
      );
      for (const l of lines) ctx.out.line(l);
      for (const r of rows) if (r.error) ctx.out.line(ctx.out.red(`${r.name}: ${r.error}`));
    });

  program
    .command('stats')
    .argument('[name]', 'only this source')
    .description('memories per source and stream, time span, runs by status')
    .option('--json', 'print as JSON')
    .action(async (name: string | undefined, opts: { json?: boolean }) => {
      const engine = await ctx.readEngine({ recoverDeadRuns: true });
      const sources =
        name === undefined ? await engine.sources.list(LOCAL_USER_ID) : [await engine.sources.get(name, LOCAL_USER_ID)];
      const stats = await Promise.all(
        sources.map(async (s) => {
          const st = await engine.stats(s.id);
          return {
            source: s.name,
            sourceId: s.id,
            connector: s.sourceType,
            memories: st.memories,
            deleted: st.deleted,
            versions: st.versions,
            byStream: st.byStream,
            oldest: st.oldest,
            newest: st.newest,
            runs: st.runs,
          };
        }),
      );
      if (opts.json) return ctx.out.json({ stats });
      if (stats.length === 0) return ctx.out.line('No sources yet.');
      for (const s of stats) {
        ctx.out.line(`${ctx.out.bold(s.source)} (${s.connector})`);
        ctx.out.line(`  memories ${s.memories} · deleted ${s.deleted} · earlier versions ${s.versions}`);
        ctx.out.line(`  span     ${formatTime(s.oldest)} … ${formatTime(s.newest)}`);
        const streams = Object.entries(s.byStream).map(([k, v]) => `${k} ${v}`);
        ctx.out.line(`  streams  ${streams.join(' · ') || '-'}`);
        ctx.out.line(
          `  runs     ${Object.entries(s.runs)
            .map(([k, v]) => `${k} ${v}`)
            .join(' · ')}`,
        );
      }
    });
}

async function sourceNames(ctx: CliContext): Promise<Map<string, string>> {
  const engine = await ctx.readEngine({ recoverDeadRuns: true });
  return new Map((await engine.sources.list(LOCAL_USER_ID)).map((s) => [s.id, s.name]));
}

async function statusOf(
  ctx: CliContext,
  s: SourceRecord,
): Promise<
  Record<string, unknown> & {
    name: string;
    connector: string;
    status: string;
    schedule: SourceRecord['schedule'];
    lastSyncAt: string | null;
    memories: number;
    error: string | null;
    lastRun: ReturnType<typeof runJson> | null;
  }
> {
  const engine = await ctx.readEngine({ recoverDeadRuns: true });
  // The live count alone (an index count), not the source's full stats: at 1M memories those read every row (~1 s),
  // and `status` shows only the count.
  const [memories, runs] = await Promise.all([
    engine.ports.memories.countMemories({ sourceId: s.id }),
    engine.runs({ sourceId: s.id, limit: 1 }),
  ]);
  const last = runs[0];
  return {
    name: s.name,
    id: s.id,
    connector: s.sourceType,
    status: s.status,
    schedule: s.schedule,
    lastSyncAt: s.lastSyncAt,
    memories,
    error: s.errorMessage ?? last?.error ?? null,
    lastRun: last ? runJson(last, s.name) : null,
  };
}

/** `status`'s line about semantic search: embedder, model, dimension, vectors and backlog, or why it is off. */
export function searchLine(s: EmbeddingStatus): string {
  if (!s.embedder) return 'Search: keyword only (no embedder configured; see docs/search.md).';
  if (!s.vectors.enabled) return `Search: keyword only (${s.vectors.reason}).`;
  return `Search: hybrid · embedder ${s.embedder.model} (${s.embedder.dimensions} dimensions) · ${s.vectors.backend} · ${s.embedded} chunk texts embedded, ${s.pending} in the backlog.`;
}
