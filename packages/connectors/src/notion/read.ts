import { TributaryError, type Item, type Page, type ReadContext } from '@tributary/sdk';
import { linkedIds, readBlockTree } from './blocks.js';
import {
  compact,
  INITIAL_CHECKPOINT,
  PAGE_PREFIX,
  pageKey,
  PageRecordSchema,
  type NotionCheckpoint,
  type PageRecord,
} from './checkpoint.js';
import { finishedScan, reconcileDue, scanLowerBound } from '../lib/reconcile-scan.js';
import { NotionClient } from './client.js';
import type { NotionConfig } from './config.js';
import {
  titleOfDataSource,
  titleOfPage,
  toDataSourceItem,
  toPageItem,
  type ApiDataSource,
  type ApiPage,
} from './map.js';

export type NotionReadContext = ReadContext<NotionConfig, NotionCheckpoint>;
type Result = ApiPage | ApiDataSource;

interface SearchPage {
  results: Result[];
  next_cursor: string | null;
  has_more: boolean;
}

/** Deletes (and state keys) per sweep page, so a page's writes stay O(page). */
const SWEEP_PAGE = 500;

/** Everything one read shares: the client, the checkpoint as it moves, and caches of titles and data sources. */
interface Run {
  ctx: NotionReadContext;
  client: NotionClient;
  cp: NotionCheckpoint;
  /** Whether `ctx.state` holds this run's records (resumed from a checkpoint, or a page committed). */
  stateReady: boolean;
  titles: Map<string, string>;
  dataSources: Map<string, ApiDataSource | null>;
}

const maxIso = (a: string | undefined, b: string | undefined): string | undefined =>
  a === undefined ? b : b === undefined ? a : Date.parse(a) >= Date.parse(b) ? a : b;

function recordOf(value: unknown): PageRecord | undefined {
  const parsed = PageRecordSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

const isNotFound = (err: unknown): boolean => err instanceof TributaryError && err.code === 'not_found';

/** A title by id: this run's cache, then connector state, then `pages.retrieve` (unreadable: undefined). */
async function titleOf(run: Run, id: string): Promise<string | undefined> {
  if (run.titles.has(id)) return run.titles.get(id);
  const rec = run.stateReady ? recordOf(await run.ctx.state.get(pageKey(id))) : undefined;
  let title = rec?.t;
  if (title === undefined) {
    try {
      const page = (await run.client.call(`Reading page ${id}`, (api) =>
        api.pages.retrieve({ page_id: id }),
      )) as unknown as ApiPage;
      title = titleOfPage(page);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
  run.titles.set(id, title ?? 'Untitled');
  return title;
}

/** A data source by id (for a row's container and column order), cached for the run. */
async function dataSourceOf(run: Run, id: string): Promise<ApiDataSource | undefined> {
  if (!run.dataSources.has(id)) {
    try {
      const ds = (await run.client.call(`Reading data source ${id}`, (api) =>
        api.dataSources.retrieve({ data_source_id: id }),
      )) as unknown as ApiDataSource;
      run.dataSources.set(id, ds);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      run.dataSources.set(id, null);
    }
  }
  return run.dataSources.get(id) ?? undefined;
}

/** Whether the source's feature flags want this result. */
function wanted(run: Run, r: Result): boolean {
  const f = run.ctx.features;
  if (r.object === 'data_source') return f.dataSources !== false;
  return r.parent.type === 'data_source_id' ? f.rows !== false && f.dataSources !== false : f.pages !== false;
}

/** A page (its block tree read and rendered) or a data source as an item. */
async function render(run: Run, r: Result): Promise<Item> {
  if (r.object === 'data_source') return toDataSourceItem(r);
  const blocks = await readBlockTree(run.client, r.id, run.ctx.config.maxDepth);
  for (const id of linkedIds(blocks)) await titleOf(run, id);
  let container = 'Notion';
  let columns: string[] | undefined;
  if (r.parent.type === 'page_id' && r.parent.page_id) container = (await titleOf(run, r.parent.page_id)) ?? container;
  if (r.parent.type === 'data_source_id' && r.parent.data_source_id) {
    const ds = await dataSourceOf(run, r.parent.data_source_id);
    if (ds) {
      container = titleOfDataSource(ds);
      columns = Object.keys(ds.properties);
    }
  }
  return toPageItem(r, blocks, { container, ...(columns ? { columns } : {}) }, { titleOf: (id) => run.titles.get(id) });
}

const titleOfResult = (r: Result): string => (r.object === 'data_source' ? titleOfDataSource(r) : titleOfPage(r));

/** The checkpoint of a scan that just completed. */
function finished(run: Run, top: string | undefined): NotionCheckpoint {
  return finishedScan(run.cp, maxIso(run.cp.hw, top), run.ctx.clock.now());
}

/**
 * Starts a scan: a reconciling one (a full listing that marks what it sees) on the first sync and every
 * `reconcileHours`, else an incremental one that stops `overlapMinutes` before the newest edit already read.
 */
function startScan(run: Run): NotionCheckpoint {
  const { cp, ctx } = run;
  const { reconcileHours, overlapMinutes } = ctx.config;
  const due = reconcileDue(cp.hw === undefined, cp.reconciledAt, reconcileHours, ctx.clock.now());
  const stop = scanLowerBound(due, cp.hw, overlapMinutes, ctx.since);
  return compact({
    ...cp,
    phase: 'listing' as const,
    cursor: undefined,
    top: undefined,
    stop,
    mark: due ? cp.epoch + 1 : undefined,
  });
}

/** One search page: new and changed results rendered, unchanged ones skipped (and marked when reconciling). */
async function listingPage(run: Run): Promise<Page<NotionCheckpoint>> {
  const { ctx, cp } = run;
  const search = (cursor: string | undefined) =>
    run.client.call('Searching shared pages', (api) =>
      api.search({
        sort: { timestamp: 'last_edited_time', direction: 'descending' },
        page_size: ctx.config.pageSize,
        ...(cursor ? { start_cursor: cursor } : {}),
      }),
    ) as unknown as Promise<SearchPage>;
  let res: SearchPage;
  try {
    res = await search(cp.cursor);
  } catch (err) {
    // A cursor Notion no longer accepts (400 validation_error): list again from the top; what this scan already
    // read is skipped by its records (and, when reconciling, already marked).
    if (!(cp.cursor && err instanceof TributaryError && err.details?.notionCode === 'validation_error')) throw err;
    ctx.logger.info('notion: the search cursor was refused; the listing restarts from the top');
    res = await search(undefined);
  }
  const stop = cp.stop ? Date.parse(cp.stop) : undefined;
  const inRange = res.results.filter((r) => stop === undefined || Date.parse(r.last_edited_time) >= stop);
  const reachedStop = inRange.length < res.results.length;
  for (const r of inRange) {
    run.titles.set(r.id, titleOfResult(r));
    if (r.object === 'data_source') run.dataSources.set(r.id, r);
  }
  const stored = run.stateReady ? await ctx.state.getMany(inRange.map((r) => pageKey(r.id))) : new Map();
  const items: Item[] = [];
  const deletes: string[] = [];
  const set: Record<string, PageRecord> = {};
  let top = cp.top;
  for (const r of inRange) {
    top = maxIso(top, r.last_edited_time);
    const key = pageKey(r.id);
    const rec = recordOf(stored.get(key));
    if (r.in_trash || r.archived || !wanted(run, r)) {
      if (rec) deletes.push(r.id);
      continue;
    }
    if (rec && rec.e === r.last_edited_time) {
      if (cp.mark !== undefined && rec.r !== cp.mark) set[key] = { ...rec, r: cp.mark };
      continue;
    }
    items.push(await render(run, r));
    set[key] = { e: r.last_edited_time, r: cp.mark ?? rec?.r ?? cp.epoch, t: titleOfResult(r) };
  }
  const done = reachedStop || !res.has_more || !res.next_cursor;
  run.cp = !done
    ? compact({ ...cp, cursor: res.next_cursor ?? undefined, top })
    : cp.mark !== undefined
      ? compact({ ...cp, phase: 'sweep' as const, cursor: undefined, top })
      : finished(run, top);
  const page: Page<NotionCheckpoint> = { items, checkpoint: run.cp, state: { set } };
  if (deletes.length) {
    page.deletes = deletes;
    page.state!.delete = deletes.map(pageKey);
  }
  return page;
}

/**
 * A record the reconciling listing did not see: asks Notion about it once, so only a page really gone (trashed,
 * archived, or no longer shared: 404) is deleted; a page the listing missed (it moved while paging) is kept.
 */
async function verifyMissing(run: Run, id: string): Promise<{ alive: Result } | { gone: true }> {
  try {
    const page = (await run.client.call(`Reading page ${id}`, (api) =>
      api.pages.retrieve({ page_id: id }),
    )) as unknown as Result;
    return page.in_trash || page.archived || !wanted(run, page) ? { gone: true } : { alive: page };
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  try {
    const ds = (await run.client.call(`Reading data source ${id}`, (api) =>
      api.dataSources.retrieve({ data_source_id: id }),
    )) as unknown as Result;
    return ds.in_trash || ds.archived || !wanted(run, ds) ? { gone: true } : { alive: ds };
  } catch (err) {
    if (!isNotFound(err)) throw err;
    return { gone: true };
  }
}

/** After a reconciling listing: records it did not mark are gone upstream (trash, un-shared) → deletes. */
async function* sweep(run: Run): AsyncGenerator<Page<NotionCheckpoint>> {
  const { ctx, cp } = run;
  const mark = cp.mark!;
  const stale: Array<[key: string, rec: PageRecord | undefined]> = [];
  for await (const [key, value] of ctx.state.list(PAGE_PREFIX)) {
    const rec = recordOf(value);
    if (!rec || rec.r < mark) stale.push([key, rec]);
  }
  for (let i = 0; i < stale.length || i === 0; i += SWEEP_PAGE) {
    if (ctx.signal.aborted) return;
    const chunk = stale.slice(i, i + SWEEP_PAGE);
    const items: Item[] = [];
    const deletes: string[] = [];
    const set: Record<string, PageRecord> = {};
    for (const [key, rec] of chunk) {
      const id = key.slice(PAGE_PREFIX.length);
      const found = await verifyMissing(run, id);
      if ('gone' in found) {
        deletes.push(id);
        continue;
      }
      const r = found.alive;
      if (rec?.e !== r.last_edited_time) items.push(await render(run, r));
      set[key] = { e: r.last_edited_time, r: mark, t: titleOfResult(r) };
    }
    const last = i + SWEEP_PAGE >= stale.length;
    if (last) run.cp = finished(run, cp.top);
    const page: Page<NotionCheckpoint> = { items, checkpoint: run.cp, state: { set, delete: deletes.map(pageKey) } };
    if (deletes.length) page.deletes = deletes;
    yield page;
  }
}

/**
 * Reads the pages, data sources and rows shared with the integration: a listing of `search` newest edit first,
 * each new or changed page's block tree rendered to Markdown, then (when reconciling) a sweep for what vanished.
 * Resumes from the checkpoint's phase and cursor.
 */
export async function* readNotion(ctx: NotionReadContext): AsyncGenerator<Page<NotionCheckpoint>> {
  if (ctx.signal.aborted) return;
  const run: Run = {
    ctx,
    client: new NotionClient(ctx, await ctx.credentials.get()),
    cp: ctx.checkpoint ? { ...ctx.checkpoint } : { ...INITIAL_CHECKPOINT },
    stateReady: ctx.checkpoint !== undefined,
    titles: new Map(),
    dataSources: new Map(),
  };
  if (run.cp.phase === 'idle') run.cp = startScan(run);
  while (run.cp.phase === 'listing') {
    if (ctx.signal.aborted) return;
    const page = await listingPage(run);
    yield page;
    run.stateReady = true;
  }
  if (run.cp.phase === 'sweep') {
    for await (const page of sweep(run)) {
      yield page;
      run.stateReady = true;
    }
  }
}
