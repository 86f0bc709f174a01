import { abortError, isTributaryError, TributaryError, type Page } from '@tributary/sdk';
import {
  GITLAB_CHECKPOINT,
  keys,
  ProjectCursorSchema,
  type GitlabCheckpoint,
  type NoteableKind,
  type ProjectCursor,
} from './checkpoint.js';
import { GitlabClient } from './client.js';
import { digest, toProjectItem, type ApiNoteable, type ApiProject } from './map.js';
import { readCommits } from './streams/commits.js';
import { readNotes, recordKey } from './streams/discussions.js';
import { readNoteables } from './streams/noteables.js';
import { reconcileNoteables } from './streams/reconcile.js';
import { page, PER_PAGE, type GitlabReadContext, type ProjectRun } from './streams/run.js';
import { readWiki } from './streams/wiki.js';

type ResolveContext = Pick<GitlabReadContext, 'config' | 'logger'>;

/** The projects the config names: paths as they are, groups listed (with subgroups); sorted, de-duplicated. */
export async function resolveProjects(client: GitlabClient, ctx: ResolveContext): Promise<ApiProject[]> {
  const found = new Map<number, ApiProject>();
  for (const path of ctx.config.projects) {
    const p = await client.get<ApiProject>(`/projects/${encodeURIComponent(path)}`).catch((err: unknown) => {
      throw isTributaryError(err) && err.code === 'not_found'
        ? new TributaryError('not_found', `Project ${path} not found, or the token cannot see it`, { cause: err })
        : err;
    });
    found.set(p.id, p);
  }
  for (const group of ctx.config.groups) {
    let url: string | undefined = client.url(`/groups/${encodeURIComponent(group)}/projects`, {
      include_subgroups: ctx.config.includeSubgroups,
      archived: false,
      order_by: 'id',
      sort: 'asc',
      per_page: PER_PAGE,
    });
    while (url) {
      const res: { data: ApiProject[]; next: string | undefined } = await client.list<ApiProject>(url);
      for (const p of res.data) found.set(p.id, p);
      url = res.next;
    }
  }
  return [...found.values()].sort((a, b) => a.path_with_namespace.localeCompare(b.path_with_namespace));
}

/** The earliest time a first scan reads: the backfill window or maxAgeDays, whichever is shorter. */
function firstSince(ctx: GitlabReadContext): string | undefined {
  const bounds = [
    ctx.since?.getTime(),
    ctx.config.maxAgeDays ? ctx.clock.now() - ctx.config.maxAgeDays * 86_400_000 : undefined,
  ].filter((x): x is number => x !== undefined);
  return bounds.length ? new Date(Math.max(...bounds)).toISOString().replace(/\.\d{3}Z$/, 'Z') : undefined;
}

const KINDS: Array<{ kind: NoteableKind; feature: string; stream: string }> = [
  { kind: 'issues', feature: 'issues', stream: 'issues' },
  { kind: 'merge_requests', feature: 'mergeRequests', stream: 'merge_requests' },
];

/**
 * Issues and merge requests a webhook named (`noteables: ['i:12', 'm:3']`): their discussions are read again even
 * when the issue did not change (a deleted note does not touch it).
 */
async function* readHinted(run: ProjectRun, hinted: string[]): AsyncGenerator<Page<GitlabCheckpoint>> {
  for (const h of hinted) {
    const m = /^([im]):(\d+)$/.exec(h);
    if (!m) continue;
    const kind: NoteableKind = m[1] === 'i' ? 'issues' : 'merge_requests';
    const iid = Number(m[2]);
    const key = recordKey(run, kind, iid);
    const known = await run.ctx.state.get(key);
    if (known === undefined) continue; // not read yet: the scan will read it whole
    const n = await run.client.get<ApiNoteable>(`${run.base}/${kind}/${iid}`).catch(() => undefined);
    if (!n) continue; // deleted: reconciliation reports it
    const notes = await readNotes(run, kind, n, run.cursor[kind]?.since, known);
    yield page(run, notes.items, notes.deletes, { set: { [key]: notes.record } });
  }
}

/** One project: metadata (when it changed), issues, merge requests, reconciliation, commits, wiki. */
async function* readProject(
  run: ProjectRun,
  stream: string | undefined,
  hinted: string[],
): AsyncGenerator<Page<GitlabCheckpoint>> {
  const { ctx } = run;
  const wants = (s: string): boolean => stream === undefined || stream === s;
  if (wants('repositories')) {
    const item = toProjectItem(run.project);
    const d = digest(item);
    if (run.cursor.meta !== d) {
      run.cursor.meta = d;
      yield page(run, [item]);
    }
  }
  if (hinted.length) yield* readHinted(run, hinted);
  for (const { kind, feature, stream: s } of KINDS) {
    if (ctx.features[feature] === false || !wants(s)) continue;
    yield* readNoteables(run, kind);
    if (ctx.config.reconcile || ctx.mode === 'full_refresh') yield* reconcileNoteables(run, kind);
  }
  if (ctx.features.commits !== false && wants('commits')) yield* readCommits(run);
  if (ctx.features.wiki !== false && wants('wiki')) yield* readWiki(run);
}

/**
 * Reads every configured project from its cursors (connector state `p:<id>`). A webhook's hints narrow the read to
 * one project and stream and name issues whose notes to read again.
 */
export async function* readGitlab(ctx: GitlabReadContext): AsyncGenerator<Page<GitlabCheckpoint>> {
  if (ctx.signal.aborted) return;
  const client = new GitlabClient(ctx, await ctx.credentials.get());
  // Without a checkpoint (first sync, full refresh) no state is read before the first commit clears it.
  let stateReady = ctx.checkpoint !== undefined;
  const hintedProject = typeof ctx.hints.project === 'string' ? ctx.hints.project.toLowerCase() : undefined;
  const stream = typeof ctx.hints.stream === 'string' ? ctx.hints.stream : undefined;
  const hinted = Array.isArray(ctx.hints.noteables)
    ? ctx.hints.noteables.filter((x): x is string => typeof x === 'string')
    : [];
  const deletes = Array.isArray(ctx.hints.deletes)
    ? ctx.hints.deletes.filter((d): d is string => typeof d === 'string' && d.length > 0)
    : [];
  if (deletes.length) {
    yield { items: [], deletes, checkpoint: { ...GITLAB_CHECKPOINT } };
    stateReady = true;
  }
  const projects = (await resolveProjects(client, ctx)).filter(
    (p) => !hintedProject || p.path_with_namespace.toLowerCase() === hintedProject,
  );
  const since = firstSince(ctx);
  for (const project of projects) {
    if (ctx.signal.aborted) return;
    const stored = stateReady
      ? ProjectCursorSchema.safeParse(await ctx.state.get(keys.project(project.id)))
      : undefined;
    const cursor: ProjectCursor = stored?.success ? stored.data : {};
    const run: ProjectRun = {
      ctx,
      client,
      project,
      path: project.path_with_namespace,
      base: `/projects/${project.id}`,
      cursor,
      firstSince: since,
    };
    try {
      for await (const p of readProject(run, stream, stateReady ? hinted : [])) {
        yield p;
        stateReady = true;
      }
    } catch (err) {
      if (ctx.signal.aborted) throw abortError(ctx.signal);
      if (isTributaryError(err)) throw err;
      throw new TributaryError('upstream_error', `Reading ${run.path}: ${(err as Error)?.message ?? String(err)}`, {
        cause: err,
      });
    }
  }
}
