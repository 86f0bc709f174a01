import { TributaryError, type Item, type Page, type ReadContext } from '@tributary/sdk';
import {
  compact,
  INITIAL_CHECKPOINT,
  ISSUE_PREFIX,
  issueKey,
  IssueRecordSchema,
  type IssueRecord,
  type JiraCheckpoint,
} from './checkpoint.js';
import { finishedScan, reconcileDue, scanLowerBound } from '../lib/reconcile-scan.js';
import { JiraClient, type JiraSite } from './client.js';
import type { JiraConfig } from './config.js';
import { digest, ids, ISSUE_FIELDS, toCommentItem, toIso, toIssueItem, type ApiComment, type ApiIssue } from './map.js';
import { jqlDate, scopeJql } from './jql.js';

export type JiraReadContext = ReadContext<JiraConfig, JiraCheckpoint>;

interface SearchPage {
  issues: ApiIssue[];
  nextPageToken?: string;
  isLast?: boolean;
}

const SWEEP_PAGE = 200;

interface Run {
  ctx: JiraReadContext;
  client: JiraClient;
  site: JiraSite;
  timeZone: string;
  cp: JiraCheckpoint;
  stateReady: boolean;
}

const maxIso = (a: string | undefined, b: string | undefined): string | undefined =>
  a === undefined ? b : b === undefined ? a : a >= b ? a : b;

function recordOf(value: unknown): IssueRecord | undefined {
  const parsed = IssueRecordSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** All comments of an issue, 100 per call, oldest first. */
async function commentsOf(run: Run, issue: ApiIssue): Promise<ApiComment[]> {
  const out: ApiComment[] = [];
  for (let startAt = 0; ;) {
    const res = await run.client.get<{ comments?: ApiComment[]; total?: number }>(
      `/rest/api/3/issue/${issue.id}/comment`,
      { startAt, maxResults: 100, orderBy: 'created' },
    );
    const list = res.comments ?? [];
    out.push(...list);
    startAt += list.length;
    if (!list.length || startAt >= (res.total ?? 0)) return out;
  }
}

/**
 * One changed issue: its item when its digest changed, its new and edited comments, and deletes for comments gone.
 * @returns the items, deletes, and the issue's new record
 */
async function readIssue(run: Run, issue: ApiIssue, rec: IssueRecord | undefined, mark: number) {
  const { config } = run.ctx;
  const items: Item[] = [];
  const deletes: string[] = [];
  const item = toIssueItem(issue, run.site.siteUrl, config.changelogEntries);
  const h = digest(item);
  if (rec?.h !== h) items.push(item);
  const c: Record<string, string> = {};
  if (config.comments) {
    for (const comment of await commentsOf(run, issue)) {
      const updated = toIso(comment.updated);
      c[comment.id] = updated;
      if (rec?.c[comment.id] !== updated) items.push(toCommentItem(issue, comment, run.site.siteUrl));
    }
  }
  for (const old of Object.keys(rec?.c ?? {})) if (!(old in c)) deletes.push(ids.comment(issue.id, old));
  const next: IssueRecord = { u: toIso(issue.fields.updated), r: mark, h, c };
  return { items, deletes, next };
}

/** Deletes of an issue and every comment its record lists. */
const deletesOf = (id: string, rec: IssueRecord | undefined): string[] => [
  ids.issue(id),
  ...Object.keys(rec?.c ?? {}).map((c) => ids.comment(id, c)),
];

/** Starts a scan: reconciling on the first sync and every `reconcileHours`, else from `hw − overlapMinutes`. */
function startScan(run: Run): JiraCheckpoint {
  const { cp, ctx } = run;
  const { reconcileHours, overlapMinutes } = ctx.config;
  const due = reconcileDue(cp.hw === undefined, cp.reconciledAt, reconcileHours, ctx.clock.now());
  const from = scanLowerBound(due, cp.hw, overlapMinutes, ctx.since);
  return compact({
    ...cp,
    phase: 'listing' as const,
    token: undefined,
    top: undefined,
    from,
    mark: due ? cp.epoch + 1 : undefined,
  });
}

function finished(run: Run, top: string | undefined): JiraCheckpoint {
  return finishedScan(run.cp, maxIso(run.cp.hw, top), run.ctx.clock.now());
}

/** One search page: changed issues read (with comments), unchanged ones skipped and marked when reconciling. */
async function listingPage(run: Run): Promise<Page<JiraCheckpoint>> {
  const { ctx, cp } = run;
  const bound = cp.from ? `updated >= "${jqlDate(Date.parse(cp.from), run.timeZone)}"` : undefined;
  const jql = `${scopeJql(ctx.config, bound)} ORDER BY updated ASC, id ASC`;
  const query = {
    jql,
    maxResults: ctx.config.pageSize,
    fields: ISSUE_FIELDS.join(','),
    expand: ctx.config.changelogEntries > 0 ? 'changelog' : undefined,
  };
  let res: SearchPage;
  try {
    res = await run.client.get<SearchPage>('/rest/api/3/search/jql', { ...query, nextPageToken: cp.token });
  } catch (err) {
    // An expired page token: start the scan's search again (issues already read are skipped by their records).
    if (!(cp.token && err instanceof TributaryError && err.details?.status === 400)) throw err;
    ctx.logger.info('jira: the search page token expired; the scan restarts from its lower bound');
    res = await run.client.get<SearchPage>('/rest/api/3/search/jql', query);
  }
  const mark = cp.mark ?? cp.epoch;
  const stored = run.stateReady ? await ctx.state.getMany(res.issues.map((i) => issueKey(i.id))) : new Map();
  const items: Item[] = [];
  const deletes: string[] = [];
  const set: Record<string, IssueRecord> = {};
  let top = cp.top;
  for (const issue of res.issues) {
    const updated = toIso(issue.fields.updated);
    top = maxIso(top, updated);
    const key = issueKey(issue.id);
    const rec = recordOf(stored.get(key));
    if (rec && rec.u === updated) {
      if (cp.mark !== undefined && rec.r !== cp.mark) set[key] = { ...rec, r: cp.mark };
      continue;
    }
    const out = await readIssue(run, issue, rec, cp.mark ?? rec?.r ?? mark);
    items.push(...out.items);
    deletes.push(...out.deletes);
    set[key] = out.next;
  }
  const done = res.isLast !== false || !res.nextPageToken;
  run.cp = !done
    ? compact({ ...cp, token: res.nextPageToken, top })
    : cp.mark !== undefined
      ? compact({ ...cp, phase: 'sweep' as const, token: undefined, top })
      : finished(run, top);
  const page: Page<JiraCheckpoint> = { items, checkpoint: run.cp, state: { set } };
  if (deletes.length) page.deletes = deletes;
  return page;
}

/**
 * After a reconciling listing: issues it did not see are asked about once (`GET /issue/{id}`); 404 (deleted, or
 * moved out of the user's sight) → the issue and its comments are deleted. One that is still there (it left the
 * JQL scope: another project, the user filter) is deleted too, since the source no longer covers it.
 */
async function* sweep(run: Run): AsyncGenerator<Page<JiraCheckpoint>> {
  const { ctx, cp } = run;
  const stale: Array<[string, IssueRecord | undefined]> = [];
  for await (const [key, value] of ctx.state.list(ISSUE_PREFIX)) {
    const rec = recordOf(value);
    if (!rec || rec.r < cp.mark!) stale.push([key, rec]);
  }
  for (let i = 0; i < stale.length || i === 0; i += SWEEP_PAGE) {
    if (ctx.signal.aborted) return;
    const chunk = stale.slice(i, i + SWEEP_PAGE);
    const deletes = chunk.flatMap(([key, rec]) => deletesOf(key.slice(ISSUE_PREFIX.length), rec));
    if (i + SWEEP_PAGE >= stale.length) run.cp = finished(run, cp.top);
    const page: Page<JiraCheckpoint> = {
      items: [],
      checkpoint: run.cp,
      state: { delete: chunk.map(([key]) => key) },
    };
    if (deletes.length) page.deletes = deletes;
    yield page;
  }
}

/** Issues a verified `jira:issue_deleted` webhook named (`hints.deletes`): deleted with their comments at once. */
async function hintedDeletes(run: Run): Promise<Page<JiraCheckpoint> | undefined> {
  const hinted = Array.isArray(run.ctx.hints.deletes)
    ? run.ctx.hints.deletes.filter((d): d is string => typeof d === 'string' && /^\d+$/.test(d))
    : [];
  if (!hinted.length) return undefined;
  const stored = run.stateReady ? await run.ctx.state.getMany(hinted.map(issueKey)) : new Map();
  return {
    items: [],
    deletes: hinted.flatMap((id) => deletesOf(id, recordOf(stored.get(issueKey(id))))),
    checkpoint: run.cp,
    state: { delete: hinted.map(issueKey) },
  };
}

/** The user's time zone, which JQL dates are read in (config override, else `GET /myself`). */
async function timeZoneOf(ctx: JiraReadContext, client: JiraClient): Promise<string> {
  if (ctx.config.timeZone) return ctx.config.timeZone;
  const me = await client.get<{ timeZone?: string }>('/rest/api/3/myself');
  return me.timeZone ?? 'UTC';
}

/** Reads issues and comments: hinted deletes, then a search scan (incremental or reconciling), then the sweep. */
export async function* readJira(ctx: JiraReadContext): AsyncGenerator<Page<JiraCheckpoint>> {
  if (ctx.signal.aborted) return;
  const client = new JiraClient(ctx, await ctx.credentials.get());
  const site = await client.resolveSite();
  const run: Run = {
    ctx,
    client,
    site,
    timeZone: await timeZoneOf(ctx, client),
    cp: ctx.checkpoint ? { ...ctx.checkpoint } : { ...INITIAL_CHECKPOINT },
    stateReady: ctx.checkpoint !== undefined,
  };
  const hinted = await hintedDeletes(run);
  if (hinted) {
    yield hinted;
    run.stateReady = true;
  }
  if (run.cp.phase === 'idle') run.cp = startScan(run);
  while (run.cp.phase === 'listing') {
    if (ctx.signal.aborted) return;
    yield await listingPage(run);
    run.stateReady = true;
  }
  if (run.cp.phase === 'sweep')
    for await (const page of sweep(run)) {
      yield page;
      run.stateReady = true;
    }
}
