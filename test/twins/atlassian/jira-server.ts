import { startTwinServer, type TwinRequest, type TwinResponse, type TwinRoute, type TwinServer } from '../kit/index.js';
import { compareBy, JqlError, parseJql } from './jql.js';
import type { JiraState, TwinComment, TwinIssue } from './jira-state.js';
import { jiraTime } from './time.js';

export interface JiraTwinOptions {
  latencyMs?: number;
  record?: boolean;
  /** Cost-based limit: at most `perSecond` requests per second (429 + Retry-After beyond, NearLimit near it). */
  rateLimit?: { perSecond: number };
}

export interface JiraTwin extends TwinServer {
  state: JiraState;
  /** The site URL clients use with an API token (this server). */
  siteUrl: string;
  /** `https://api.atlassian.com` for OAuth clients (this server too). */
  apiUrl: string;
  rateLimited(): number;
}

const errors = (status: number, ...messages: string[]): TwinResponse => ({
  status,
  body: { errorMessages: messages, errors: {} },
});

type Tuple = { updated: number; created: number; id: string; key: string };
const encodeToken = (t: Tuple): string => Buffer.from(JSON.stringify(t)).toString('base64url');
function decodeToken(s: string | undefined): Tuple | undefined | 'invalid' {
  if (!s) return undefined;
  try {
    const t = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as Tuple;
    return typeof t.id === 'string' && typeof t.updated === 'number' ? t : 'invalid';
  } catch {
    return 'invalid';
  }
}

/**
 * Starts the Jira Cloud REST v3 twin: enhanced JQL search (`/rest/api/3/search/jql` with `nextPageToken`, a
 * search-after cursor; the retired `/rest/api/3/search` answers 410), issues with ADF descriptions and the
 * changelog (`expand=changelog`), comments paged by `startAt`, `myself` (the user's time zone), projects;
 * Basic API-token auth on the site URL and OAuth bearer tokens under `/ex/jira/{cloudId}` with
 * `/oauth/token/accessible-resources`; 429 with `Retry-After` and the `X-RateLimit-*` headers.
 */
export async function startJiraTwin(state: JiraState, options: JiraTwinOptions = {}): Promise<JiraTwin> {
  let limited = 0;
  let windowStart = Date.now();
  let inWindow = 0;
  let base = '';

  const user = (id: string | null) => {
    if (!id) return null;
    const u = state.users.get(id);
    return {
      self: `${base}/rest/api/3/user?accountId=${id}`,
      accountId: id,
      displayName: u?.displayName ?? 'Former user',
      active: !!u,
      accountType: 'atlassian',
      timeZone: state.timeZone,
    };
  };
  const t = (ms: number) => jiraTime(ms, state.timeZone);
  const commentView = (issue: TwinIssue, c: TwinComment) => ({
    self: `${base}/rest/api/3/issue/${issue.id}/comment/${c.id}`,
    id: c.id,
    author: user(c.author),
    body: c.body,
    updateAuthor: user(c.author),
    created: t(c.created),
    updated: t(c.updated),
    jsdPublic: true,
  });
  const issueView = (i: TwinIssue, fields: Set<string> | 'all', expand: string[]) => {
    const project = state.projects.find((p) => p.key === i.project)!;
    const all: Record<string, unknown> = {
      summary: i.summary,
      description: i.description,
      status: { name: i.status, statusCategory: { key: i.status === 'Done' ? 'done' : 'new', name: i.status } },
      issuetype: { name: i.issuetype, subtask: false },
      priority: { name: i.priority },
      labels: i.labels,
      assignee: user(i.assignee),
      reporter: user(i.reporter),
      project: { id: project.id, key: project.key, name: project.name },
      created: t(i.created),
      updated: t(i.updated),
      attachment: i.attachments.map((a) => ({
        self: `${base}/rest/api/3/attachment/${a.id}`,
        id: a.id,
        filename: a.filename,
        mimeType: a.mimeType,
        content: `${state.siteUrl}/rest/api/3/attachment/content/${a.id}`,
      })),
      comment: {
        comments: i.comments.slice(0, 20).map((c) => commentView(i, c)),
        maxResults: 20,
        total: i.comments.length,
        startAt: 0,
      },
    };
    const out: Record<string, unknown> = {
      expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations',
      id: i.id,
      self: `${base}/rest/api/3/issue/${i.id}`,
      key: i.key,
      fields: fields === 'all' ? all : Object.fromEntries(Object.entries(all).filter(([k]) => fields.has(k))),
    };
    if (expand.includes('changelog'))
      out.changelog = {
        startAt: 0,
        maxResults: 100,
        total: i.changelog.length,
        histories: i.changelog.slice(-100).map((h) => ({
          id: h.id,
          author: user(h.author),
          created: t(h.created),
          items: h.items.map((x) => ({
            field: x.field,
            fieldtype: 'jira',
            fromString: x.fromString ?? undefined,
            toString: x.toString ?? undefined,
          })),
        })),
      };
    return out;
  };
  const fieldsOf = (v: string | undefined): Set<string> | 'all' => {
    if (!v || v === '*all' || v === '*navigable') return 'all';
    return new Set(v.split(',').map((f) => f.trim()));
  };

  const search = (req: TwinRequest): TwinResponse => {
    const body = (req.json ?? {}) as Record<string, unknown>;
    const q = (k: string) => (body[k] !== undefined ? body[k] : req.query[k]);
    const jql = String(q('jql') ?? '');
    if (!jql.trim()) return errors(400, 'Unbounded JQL queries are not allowed here. Please add a search restriction.');
    let parsed;
    try {
      parsed = parseJql(jql, state.timeZone);
    } catch (err) {
      if (err instanceof JqlError) return errors(400, err.message);
      throw err;
    }
    const max = Math.min(Number(q('maxResults') ?? 50) || 50, 100);
    const after = decodeToken(q('nextPageToken') as string | undefined);
    if (after === 'invalid') return errors(400, 'The provided next page token is invalid or expired.');
    const cmp = compareBy(parsed.order);
    const all = [...state.issues.values()].filter(parsed.test).sort(cmp);
    const from = after ? all.filter((i) => cmp(i, after as unknown as TwinIssue) > 0) : all;
    const page = from.slice(0, max);
    const last = page.at(-1);
    const isLast = from.length <= max;
    const fieldsParam = q('fields');
    const fields = fieldsOf(Array.isArray(fieldsParam) ? fieldsParam.join(',') : (fieldsParam as string | undefined));
    const expandParam = q('expand');
    const expand = String(expandParam ?? '').split(',');
    return {
      body: {
        issues: page.map((i) => issueView(i, fields, expand)),
        ...(isLast || !last
          ? {}
          : {
              nextPageToken: encodeToken({ updated: last.updated, created: last.created, id: last.id, key: last.key }),
            }),
        isLast,
      },
    };
  };

  const api = (prefix: string): TwinRoute[] => [
    {
      method: 'GET',
      pattern: `${prefix}/rest/api/3/myself`,
      name: 'myself',
      handler: () => ({ body: { ...user('acc-ada'), emailAddress: 'ada@example.com', active: true } }),
    },
    { method: 'GET', pattern: `${prefix}/rest/api/3/search/jql`, name: 'search.jql', handler: search },
    { method: 'POST', pattern: `${prefix}/rest/api/3/search/jql`, name: 'search.jql', handler: search },
    {
      method: 'GET',
      pattern: `${prefix}/rest/api/3/search`,
      name: 'search.retired',
      handler: () =>
        errors(410, 'The requested API has been removed. Please migrate to the /rest/api/3/search/jql API.'),
    },
    {
      method: 'GET',
      pattern: `${prefix}/rest/api/3/issue/:id`,
      name: 'issue.get',
      handler: (req) => {
        const i = state.issue(req.params.id!);
        if (!i) return errors(404, 'Issue does not exist or you do not have permission to see it.');
        return { body: issueView(i, fieldsOf(req.query.fields), String(req.query.expand ?? '').split(',')) };
      },
    },
    {
      method: 'GET',
      pattern: `${prefix}/rest/api/3/issue/:id/comment`,
      name: 'issue.comments',
      handler: (req) => {
        const i = state.issue(req.params.id!);
        if (!i) return errors(404, 'Issue does not exist or you do not have permission to see it.');
        const startAt = Number(req.query.startAt ?? 0) || 0;
        const max = Math.min(Number(req.query.maxResults ?? 50) || 50, 100);
        const slice = i.comments.slice(startAt, startAt + max);
        return {
          body: { startAt, maxResults: max, total: i.comments.length, comments: slice.map((c) => commentView(i, c)) },
        };
      },
    },
    {
      method: 'GET',
      pattern: `${prefix}/rest/api/3/project/search`,
      name: 'project.search',
      handler: () => ({
        body: {
          self: `${base}/rest/api/3/project/search`,
          maxResults: 50,
          startAt: 0,
          total: state.projects.length,
          isLast: true,
          values: state.projects.map((p) => ({
            self: `${base}/rest/api/3/project/${p.id}`,
            id: p.id,
            key: p.key,
            name: p.name,
          })),
        },
      }),
    },
  ];

  const routes: TwinRoute[] = [
    ...api(''),
    ...api(`/ex/jira/${state.cloudId}`),
    {
      method: 'GET',
      pattern: '/oauth/token/accessible-resources',
      name: 'accessible-resources',
      handler: () => ({
        body: [
          {
            id: state.cloudId,
            url: state.siteUrl,
            name: 'twin',
            scopes: ['read:jira-work', 'read:jira-user'],
            avatarUrl: 'https://site-admin-avatar-cdn.prod.public.atl-paas.net/avatars/240/rocket.png',
          },
        ],
      }),
    },
  ];

  const before = (req: TwinRequest, route: TwinRoute): TwinResponse | undefined => {
    const auth = req.headers.authorization ?? '';
    const oauthRoute = req.path.startsWith('/ex/') || route.name === 'accessible-resources';
    let status: string | undefined;
    if (auth.startsWith('Bearer ') && oauthRoute) status = state.oauthTokens.get(auth.slice(7));
    else if (auth.startsWith('Basic ') && !oauthRoute)
      status = state.apiTokens.get(Buffer.from(auth.slice(6), 'base64').toString('utf8'));
    if (status !== 'valid')
      return { status: 401, body: { code: 401, message: 'Client must be authenticated to access this resource.' } };
    if (options.rateLimit) {
      const now = Date.now();
      if (now - windowStart >= 1000) {
        windowStart = now;
        inWindow = 0;
      }
      inWindow++;
      if (inWindow > options.rateLimit.perSecond) {
        limited++;
        return {
          status: 429,
          headers: { 'retry-after': '1', 'x-ratelimit-remaining': '0', 'ratelimit-reason': 'jira-cost-based' },
          body: errors(429, 'Rate limit exceeded.').body,
        };
      }
    }
    return undefined;
  };

  const server = await startTwinServer({
    routes,
    before,
    decorate: (_req, _route, res) => {
      if (!options.rateLimit) return;
      const remaining = Math.max(0, options.rateLimit.perSecond - inWindow);
      res.headers = {
        ...(res.headers ?? {}),
        'x-ratelimit-limit': String(options.rateLimit.perSecond),
        'x-ratelimit-remaining': String(remaining),
        'x-ratelimit-nearlimit': String(remaining < options.rateLimit.perSecond / 5),
      };
    },
    ...(options.latencyMs !== undefined ? { latencyMs: options.latencyMs } : {}),
    ...(options.record !== undefined ? { record: options.record } : {}),
  });
  base = server.url;
  return Object.assign(server, { state, siteUrl: server.url, apiUrl: server.url, rateLimited: () => limited });
}
