import { TributaryError, type Item, type Page, type ReadContext } from '@tributary/sdk';
import { AtlassianClient, type AtlassianSite } from '../lib/atlassian/client.js';
import {
  commentKey,
  CommentRecordSchema,
  compact,
  contentKey,
  ContentRecordSchema,
  HW_KEY,
  INITIAL_CHECKPOINT,
  STREAMS,
  type CommentRecord,
  type ConfluenceCheckpoint,
  type ContentRecord,
  type ScanStream,
} from './checkpoint.js';
import { reconcileDue } from '../lib/reconcile-scan.js';
import type { ConfluenceConfig } from './config.js';
import { ids, toCommentItem, toContentItem, type Ancestor, type ApiComment, type ApiContent } from './map.js';

export type ConfluenceReadContext = ReadContext<ConfluenceConfig, ConfluenceCheckpoint>;

interface Listing<T> {
  results: T[];
  _links?: { next?: string };
}

const API = '/wiki/api/v2';
const SWEEP_PAGE = 500;

export interface Space {
  id: string;
  key: string;
  name: string;
}

export interface Run {
  ctx: ConfluenceReadContext;
  client: AtlassianClient;
  site: AtlassianSite;
  spaces: Map<string, Space>;
  /** Space ids for the `space-id` filter (only when spaces are included by key, at most 100). */
  spaceFilter: string | undefined;
  cp: ConfluenceCheckpoint;
  stateReady: boolean;
  /** Pages seen this run (listing results and lookups): title and parent, for ancestor chains. */
  known: Map<string, { title: string; parentId: string | null } | null>;
}

const iso = (ms: number): string => new Date(ms).toISOString();
const maxIso = (a: string | undefined, b: string | undefined): string | undefined =>
  a === undefined ? b : b === undefined ? a : a >= b ? a : b;
const parse = <T>(schema: { safeParse(v: unknown): { success: boolean; data?: T } }, v: unknown): T | undefined => {
  const r = schema.safeParse(v);
  return r.success ? r.data : undefined;
};

/** The spaces the config selects: included keys (or every space) minus excluded keys. */
export async function resolveSpaces(client: AtlassianClient, config: ConfluenceConfig): Promise<Space[]> {
  const out: Space[] = [];
  let next: string | undefined =
    `${API}/spaces?limit=250${config.spaces.include.length ? `&keys=${config.spaces.include.join(',')}` : ''}`;
  while (next) {
    const res: Listing<Space> = await client.get<Listing<Space>>(next);
    out.push(...res.results);
    next = res._links?.next;
  }
  const excluded = new Set(config.spaces.exclude);
  return out.filter((s) => !excluded.has(s.key)).sort((a, b) => Number(a.id) - Number(b.id));
}

/** Pages up the tree from `parentId`, top down, with titles: this run's listing, connector state, then one GET each. */
async function ancestorsOf(run: Run, parentId: string | null | undefined): Promise<Ancestor[]> {
  const chain: Ancestor[] = [];
  let cur = parentId ?? null;
  for (let depth = 0; cur && depth < 30; depth++) {
    let info = run.known.get(cur);
    if (info === undefined) {
      const rec = run.stateReady
        ? parse<ContentRecord>(ContentRecordSchema, await run.ctx.state.get(contentKey(cur)))
        : undefined;
      if (rec) info = { title: rec.t, parentId: rec.p };
      else {
        try {
          const p = await run.client.get<ApiContent>(`${API}/pages/${cur}`);
          info = { title: p.title, parentId: p.parentId ?? null };
        } catch {
          info = null;
        }
      }
      run.known.set(cur, info);
    }
    if (!info) break;
    chain.unshift({ id: cur, title: info.title });
    cur = info.parentId;
  }
  return chain;
}

/** Older versions a content needs as memory versions: those after the one yielded, within `versions`. */
async function olderVersions(run: Run, kind: 'page' | 'blogpost', c: ApiContent, had: number | undefined) {
  const depth = run.ctx.config.versions;
  const first = Math.max((had ?? 0) + 1, c.version.number - depth + 1, 1);
  const out: ApiContent[] = [];
  for (let n = first; n < c.version.number; n++) {
    const path = `${API}/${kind === 'page' ? 'pages' : 'blogposts'}/${c.id}`;
    out.push(await run.client.get<ApiContent>(path, { version: n, 'body-format': run.ctx.config.bodyFormat }));
  }
  return out;
}

const modifiedOf = (x: { version: { createdAt: string } }): string => x.version.createdAt;

/** The path of a stream's first listing page. */
function firstPath(run: Run, stream: ScanStream): string {
  const { config } = run.ctx;
  const q = new URLSearchParams({
    sort: '-modified-date',
    limit: String(config.pageSize),
    'body-format': config.bodyFormat,
  });
  if (stream === 'pages' || stream === 'blogposts') {
    q.set('status', 'current');
    if (run.spaceFilter) q.set('space-id', run.spaceFilter);
    return `${API}/${stream}?${q.toString()}`;
  }
  return `${API}/${stream}-comments?${q.toString()}`;
}

/** One page of a content stream: new and changed pages (with missed versions first), unchanged ones marked. */
async function contentPage(run: Run, kind: 'page' | 'blogpost', list: ApiContent[], stop: number | undefined) {
  const { ctx, cp } = run;
  for (const c of list) run.known.set(c.id, { title: c.title, parentId: c.parentId ?? null });
  const stored = run.stateReady ? await ctx.state.getMany(list.map((c) => contentKey(c.id))) : new Map();
  const layers: Array<{ items: Item[]; set: Record<string, ContentRecord> }> = [];
  const items: Item[] = [];
  const deletes: string[] = [];
  const set: Record<string, ContentRecord> = {};
  let top = cp.top;
  let reachedStop = false;
  for (const c of list) {
    if (stop !== undefined && Date.parse(modifiedOf(c)) < stop) {
      reachedStop = true;
      break;
    }
    top = maxIso(top, modifiedOf(c));
    const key = contentKey(c.id);
    const rec = parse<ContentRecord>(ContentRecordSchema, stored.get(key));
    const space = run.spaces.get(c.spaceId);
    if (!space) {
      // Moved to a space the source does not read: gone from it (its record too, so its comments are skipped).
      if (rec) deletes.push(ids.content(kind, c.id));
      continue;
    }
    const mark = cp.mark ?? rec?.r ?? cp.epoch;
    if (rec && rec.v === c.version.number) {
      if (cp.mark !== undefined && rec.r !== cp.mark) set[key] = { ...rec, r: cp.mark };
      continue;
    }
    const ancestors = kind === 'page' ? await ancestorsOf(run, c.parentId) : [];
    const record = (v: ApiContent): ContentRecord => ({
      v: v.version.number,
      r: mark,
      t: c.title,
      s: c.spaceId,
      p: c.parentId ?? null,
      k: kind,
    });
    (await olderVersions(run, kind, c, rec?.v)).forEach((old, i) => {
      layers[i] ??= { items: [], set: {} };
      layers[i]!.items.push(toContentItem(kind, old, space, ancestors, run.site.siteUrl));
      layers[i]!.set[key] = record(old);
    });
    items.push(toContentItem(kind, c, space, ancestors, run.site.siteUrl));
    set[key] = record(c);
  }
  return { layers, items, deletes, set, top, reachedStop };
}

/** One page of a comment stream: comments on content this source holds; others are skipped. */
async function commentPage(run: Run, kind: 'footer' | 'inline', list: ApiComment[], stop: number | undefined) {
  const { ctx, cp } = run;
  const parents = [...new Set(list.map((c) => c.pageId ?? c.blogPostId).filter((x): x is string => !!x))];
  const containers = run.stateReady ? await ctx.state.getMany(parents.map(contentKey)) : new Map();
  const stored = run.stateReady ? await ctx.state.getMany(list.map((c) => commentKey(c.id))) : new Map();
  const items: Item[] = [];
  const set: Record<string, CommentRecord> = {};
  let top = cp.top;
  let reachedStop = false;
  for (const c of list) {
    if (stop !== undefined && Date.parse(modifiedOf(c)) < stop) {
      reachedStop = true;
      break;
    }
    top = maxIso(top, modifiedOf(c));
    const parentId = c.pageId ?? c.blogPostId;
    const parent = parentId
      ? parse<ContentRecord>(ContentRecordSchema, containers.get(contentKey(parentId)))
      : undefined;
    if (!parentId || !parent) continue;
    const key = commentKey(c.id);
    const rec = parse<CommentRecord>(CommentRecordSchema, stored.get(key));
    if (rec && rec.v === c.version.number) {
      if (cp.mark !== undefined && rec.r !== cp.mark) set[key] = { ...rec, r: cp.mark };
      continue;
    }
    const space = run.spaces.get(parent.s);
    const ancestors = parent.k === 'page' ? await ancestorsOf(run, parent.p) : [];
    items.push(
      toCommentItem(
        kind,
        c,
        {
          kind: parent.k,
          id: parentId,
          title: parent.t,
          container: [space?.key ?? parent.s, ...ancestors.map((a) => a.title)].join(' / '),
        },
        run.site.siteUrl,
      ),
    );
    set[key] = { v: c.version.number, r: cp.mark ?? rec?.r ?? cp.epoch };
  }
  return { items, set, top, reachedStop };
}

function streamsOf(config: ConfluenceConfig): ScanStream[] {
  return STREAMS.filter((s) =>
    s === 'blogposts' ? config.blogPosts : s === 'footer' || s === 'inline' ? config.comments : true,
  );
}

/** Moves the checkpoint past a finished stream: the next stream, the sweep, or idle. */
function afterStream(run: Run, stream: ScanStream, top: string | undefined): ConfluenceCheckpoint {
  const { cp, ctx } = run;
  const streams = streamsOf(ctx.config);
  const next = streams[streams.indexOf(stream) + 1];
  const base = compact({ ...cp, [HW_KEY[stream]]: maxIso(cp[HW_KEY[stream]], top), next: undefined, top: undefined });
  if (next) return compact({ ...base, stream: next });
  if (cp.mark !== undefined) return compact({ ...base, stream: undefined, phase: 'sweep' as const });
  return compact({ ...base, stream: undefined, phase: 'idle' as const });
}

/** Starts a scan: reconciling on the first sync and every `reconcileHours`, else incremental per stream. */
function startScan(run: Run): ConfluenceCheckpoint {
  const { cp, ctx } = run;
  const first = cp.hwPages === undefined;
  const due = reconcileDue(first, cp.reconciledAt, ctx.config.reconcileHours, ctx.clock.now());
  return compact({
    ...cp,
    phase: 'listing' as const,
    stream: streamsOf(ctx.config)[0],
    next: undefined,
    top: undefined,
    mark: due ? cp.epoch + 1 : undefined,
  });
}

/** The stream's lower bound: none when reconciling, else its high-water mark minus the overlap. */
function stopOf(run: Run, stream: ScanStream): number | undefined {
  const { cp, ctx } = run;
  if (cp.mark !== undefined) return cp.hwPages === undefined && ctx.since ? ctx.since.getTime() : undefined;
  const hw = cp[HW_KEY[stream]];
  return hw ? Date.parse(hw) - ctx.config.overlapMinutes * 60_000 : undefined;
}

/**
 * One listing request. A `next` link whose cursor Confluence no longer accepts (400) restarts the stream from its
 * first page: what this scan already read is skipped by its records (and, when reconciling, already marked).
 */
async function fetchListing<T>(run: Run, path: string, stream: ScanStream): Promise<Listing<T>> {
  try {
    return await run.client.get<Listing<T>>(path);
  } catch (err) {
    if (!(run.cp.next && err instanceof TributaryError && err.details?.status === 400)) throw err;
    run.ctx.logger.info('confluence: the listing cursor was refused; the stream restarts from its first page', {
      stream,
    });
    return run.client.get<Listing<T>>(firstPath(run, stream));
  }
}

/** One listing request of the current stream, as the pages to yield (history layers first). */
async function* listingPage(run: Run): AsyncGenerator<Page<ConfluenceCheckpoint>> {
  const { cp } = run;
  const stream = cp.stream!;
  const path = cp.next ?? firstPath(run, stream);
  const stop = stopOf(run, stream);
  const page = (items: Item[], set: Record<string, unknown>, deletes: string[] = []): Page<ConfluenceCheckpoint> => ({
    items,
    checkpoint: run.cp,
    state: { set, ...(deletes.length ? { delete: deletes.map((d) => contentKey(d.slice(d.indexOf(':') + 1))) } : {}) },
    ...(deletes.length ? { deletes } : {}),
  });
  if (stream === 'pages' || stream === 'blogposts') {
    const res = await fetchListing<ApiContent>(run, path, stream);
    const kind = stream === 'pages' ? 'page' : 'blogpost';
    const out = await contentPage(run, kind, res.results, stop);
    // Missed versions go first, one layer per page (an id appears once per page); the checkpoint does not move
    // until the current versions are committed, and a resumed read skips the versions its records already hold.
    for (const layer of out.layers) yield page(layer.items, layer.set);
    const done = out.reachedStop || !res._links?.next;
    run.cp = done ? afterStream(run, stream, out.top) : compact({ ...cp, next: res._links!.next, top: out.top });
    yield page(out.items, out.set, out.deletes);
    return;
  }
  const res = await fetchListing<ApiComment>(run, path, stream);
  const out = await commentPage(run, stream, res.results, stop);
  const done = out.reachedStop || !res._links?.next;
  run.cp = done ? afterStream(run, stream, out.top) : compact({ ...cp, next: res._links!.next, top: out.top });
  yield page(out.items, out.set);
}

/** After a reconciling scan: content and comments not marked are gone (trashed, deleted, out of scope). */
async function* sweep(run: Run): AsyncGenerator<Page<ConfluenceCheckpoint>> {
  const { ctx, cp } = run;
  const stale: Array<{ key: string; id: string }> = [];
  for await (const [key, value] of ctx.state.list('c:')) {
    const rec = parse<ContentRecord>(ContentRecordSchema, value);
    if (!rec || rec.r < cp.mark!) stale.push({ key, id: ids.content(rec?.k ?? 'page', key.slice(2)) });
  }
  for await (const [key, value] of ctx.state.list('m:')) {
    const rec = parse<CommentRecord>(CommentRecordSchema, value);
    if (!rec || rec.r < cp.mark!) stale.push({ key, id: ids.comment(key.slice(2)) });
  }
  for (let i = 0; i < stale.length || i === 0; i += SWEEP_PAGE) {
    const chunk = stale.slice(i, i + SWEEP_PAGE);
    if (i + SWEEP_PAGE >= stale.length)
      run.cp = compact({
        ...cp,
        phase: 'idle' as const,
        epoch: cp.mark!,
        mark: undefined,
        reconciledAt: iso(ctx.clock.now()),
      });
    yield {
      items: [],
      checkpoint: run.cp,
      state: { delete: chunk.map((s) => s.key) },
      ...(chunk.length ? { deletes: chunk.map((s) => s.id) } : {}),
    };
  }
}

/** Reads pages, blog posts and comments: one scan over the streams in order, then (reconciling) the sweep. */
export async function* readConfluence(ctx: ConfluenceReadContext): AsyncGenerator<Page<ConfluenceCheckpoint>> {
  if (ctx.signal.aborted) return;
  const client = new AtlassianClient(ctx, await ctx.credentials.get(), 'confluence');
  const site = await client.resolveSite();
  const spaces = await resolveSpaces(client, ctx.config);
  const run: Run = {
    ctx,
    client,
    site,
    spaces: new Map(spaces.map((s) => [s.id, s])),
    spaceFilter:
      ctx.config.spaces.include.length && spaces.length <= 100 ? spaces.map((s) => s.id).join(',') : undefined,
    cp: ctx.checkpoint ? { ...ctx.checkpoint } : { ...INITIAL_CHECKPOINT },
    stateReady: ctx.checkpoint !== undefined,
    known: new Map(),
  };
  if (run.cp.phase === 'idle') run.cp = startScan(run);
  while (run.cp.phase === 'listing') {
    if (ctx.signal.aborted) return;
    for await (const page of listingPage(run)) {
      yield page;
      run.stateReady = true;
    }
  }
  if (run.cp.phase === 'sweep')
    for await (const page of sweep(run)) {
      yield page;
      run.stateReady = true;
    }
}
