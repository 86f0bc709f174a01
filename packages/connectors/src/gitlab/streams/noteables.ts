import type { Item, Page } from '@tributary/sdk';
import {
  NoteableRecordSchema,
  UpdatedCursorSchema,
  type GitlabCheckpoint,
  type NoteableKind,
  type UpdatedCursor,
} from '../checkpoint.js';
import { diffSummary, ids, toNoteableItem, type ApiDiff, type ApiNoteable } from '../map.js';
import { readNotes, recordKey } from './discussions.js';
import { minusSeconds, page, PER_PAGE, type ProjectRun } from './run.js';

const later = (a: string, b: string | undefined): boolean => b === undefined || Date.parse(a) > Date.parse(b);

/** The files of a merge request's diff (one call per 100 files, up to `maxDiffFiles`). */
async function diffsOf(run: ProjectRun, iid: number): Promise<ApiDiff[]> {
  const max = run.ctx.config.maxDiffFiles;
  const out: ApiDiff[] = [];
  let url: string | undefined = run.client.url(`${run.base}/merge_requests/${iid}/diffs`, { per_page: PER_PAGE });
  while (url && out.length < max) {
    const res: { data: ApiDiff[]; next: string | undefined } = await run.client.list<ApiDiff>(url);
    out.push(...res.data);
    url = res.next;
  }
  return out;
}

/** What one changed issue or merge request becomes: its item (or a delete when closed and not kept), its notes. */
async function handle(
  run: ProjectRun,
  kind: NoteableKind,
  n: ApiNoteable,
  base: string | undefined,
  known: unknown,
): Promise<{ items: Item[]; deletes: string[]; record?: { notes: number[] } }> {
  const { ctx } = run;
  if (n.state !== 'opened' && !ctx.config.includeClosed) {
    const rec = NoteableRecordSchema.safeParse(known ?? {});
    const notes = rec.success ? rec.data.notes : [];
    const deletes =
      known === undefined
        ? []
        : [ids.noteable(run.path, kind, n.iid), ...notes.map((id) => ids.note(run.path, kind, n.iid, id))];
    return { items: [], deletes };
  }
  const diff =
    kind === 'merge_requests' && ctx.config.maxDiffFiles > 0
      ? diffSummary(await diffsOf(run, n.iid), ctx.config.maxDiffFiles)
      : undefined;
  const item = toNoteableItem(run.path, kind, n, diff);
  if (ctx.features.comments === false) return { items: [item], deletes: [], record: { notes: [] } };
  const notes = await readNotes(run, kind, n, base, known);
  return { items: [item, ...notes.items], deletes: notes.deletes, record: notes.record };
}

/**
 * Issues or merge requests changed since the last scan, oldest change first: `updated_after` (the last `since`
 * minus the overlap), `order_by=updated_at&sort=asc`, keyset pages (`pagination=keyset`, the next page's URL kept in
 * the cursor so a crash resumes on it). Each changed one is read with its notes; one GitLab already gave us with
 * the same `updated_at` (the overlap) is skipped.
 */
export async function* readNoteables(run: ProjectRun, kind: NoteableKind): AsyncGenerator<Page<GitlabCheckpoint>> {
  const { ctx, client } = run;
  const overlap = ctx.config.overlapSeconds;
  let cur: UpdatedCursor = run.cursor[kind] ?? UpdatedCursorSchema.parse({});
  const scan = cur.scan ?? {
    ...(cur.since ? { after: minusSeconds(cur.since, overlap) } : run.firstSince ? { after: run.firstSince } : {}),
    ...(cur.since ? { base: cur.since } : {}),
  };
  let url: string | undefined =
    scan.next ??
    client.url(`${run.base}/${kind}`, {
      updated_after: scan.after,
      order_by: 'updated_at',
      sort: 'asc',
      pagination: 'keyset',
      per_page: PER_PAGE,
      // Closed ones too even when they are not kept: closing one must remove it.
      state: 'all',
    });
  while (url) {
    if (ctx.signal.aborted) return;
    const res: { data: ApiNoteable[]; next: string | undefined } = await client.list<ApiNoteable>(url);
    const fresh = res.data.filter((n) => cur.recent[String(n.id)] !== n.updated_at);
    const recordKeys = fresh.map((n) => recordKey(run, kind, n.iid));
    const known = await ctx.state.getMany(recordKeys);
    const items: Item[] = [];
    const deletes: string[] = [];
    const set: Record<string, unknown> = {};
    const del: string[] = [];
    let count = cur.count;
    for (const n of fresh) {
      const key = recordKey(run, kind, n.iid);
      const out = await handle(run, kind, n, scan.base, known.get(key));
      items.push(...out.items);
      deletes.push(...out.deletes);
      if (out.record) {
        if (!known.has(key)) count++;
        set[key] = out.record;
      } else if (known.has(key)) {
        count--;
        del.push(key);
      }
    }
    let since = cur.since;
    const recent = { ...cur.recent };
    for (const n of res.data) {
      if (later(n.updated_at, since)) since = n.updated_at;
      recent[String(n.id)] = n.updated_at;
    }
    // Keep only what the next scan's overlap can return again.
    const floor = since ? Date.parse(since) - overlap * 1000 : 0;
    for (const [id, at] of Object.entries(recent)) if (Date.parse(at) < floor) delete recent[id];
    url = res.next;
    cur = {
      ...(since ? { since } : {}),
      recent,
      count: Math.max(0, count),
      ...(url ? { scan: { ...scan, next: url } } : {}),
    };
    run.cursor[kind] = cur;
    yield page(run, items, deletes, { set, delete: del });
  }
}
