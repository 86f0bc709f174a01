import type { Page } from '@tributary/sdk';
import {
  keys,
  NoteableRecordSchema,
  UpdatedCursorSchema,
  type GitlabCheckpoint,
  type NoteableKind,
} from '../checkpoint.js';
import { ids } from '../map.js';
import { page, PER_PAGE, type ProjectRun } from './run.js';

/**
 * Deleted issues and merge requests. GitLab lists no deletions and sends no webhook for them, so after each scan one
 * call (`per_page=1`) reads `x-total` and compares it with the count read; only when they differ are all iids
 * listed (one call per 100) and the records no longer upstream reported as deletes. Without `x-total` (GitLab omits
 * it past 10,000 rows) the listing runs on full refreshes only.
 */
export async function* reconcileNoteables(run: ProjectRun, kind: NoteableKind): AsyncGenerator<Page<GitlabCheckpoint>> {
  const { ctx, client } = run;
  const cur = run.cursor[kind] ?? UpdatedCursorSchema.parse({});
  const state = ctx.config.includeClosed ? 'all' : 'opened';
  const probe = await client.list<{ iid: number }>(client.url(`${run.base}/${kind}`, { state, per_page: 1 }));
  if (probe.total === cur.count || (probe.total === undefined && ctx.mode !== 'full_refresh')) return;
  const upstream = new Set<number>();
  let url: string | undefined = client.url(`${run.base}/${kind}`, {
    state,
    order_by: 'created_at',
    sort: 'asc',
    per_page: PER_PAGE,
  });
  while (url) {
    if (ctx.signal.aborted) return;
    const res: { data: Array<{ iid: number }>; next: string | undefined } = await client.list<{ iid: number }>(url);
    for (const n of res.data) upstream.add(n.iid);
    url = res.next;
  }
  const gone: Array<{ iid: number; notes: number[] }> = [];
  let count = 0;
  const prefix = keys.noteablePrefix(run.project.id, kind);
  for await (const [key, value] of ctx.state.list(prefix)) {
    const iid = Number(key.slice(prefix.length));
    if (upstream.has(iid)) count++;
    else {
      const rec = NoteableRecordSchema.safeParse(value);
      gone.push({ iid, notes: rec.success ? rec.data.notes : [] });
    }
  }
  run.cursor[kind] = { ...cur, count };
  if (!gone.length) {
    yield page(run, []);
    return;
  }
  ctx.logger.info('issues or merge requests deleted upstream', { project: run.path, kind, count: gone.length });
  for (let i = 0; i < gone.length; i += PER_PAGE) {
    const chunk = gone.slice(i, i + PER_PAGE);
    // The issue and its notes.
    const deletes = chunk.flatMap((g) => [
      ids.noteable(run.path, kind, g.iid),
      ...g.notes.map((id) => ids.note(run.path, kind, g.iid, id)),
    ]);
    yield page(run, [], deletes, { delete: chunk.map((g) => keys.noteable(run.project.id, kind, g.iid)) });
  }
}
