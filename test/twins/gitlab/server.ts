import { startTwinServer, type TwinRequest, type TwinResponse, type TwinRoute, type TwinServer } from '../kit/index.js';
import type { GitlabState, GlNoteable, GlProject, NoteableKind } from './state.js';
import { commitView, diffView, discussionView, noteableView, projectView, userView, wikiView } from './views.js';

export interface GitlabTwinOptions {
  latencyMs?: number;
  record?: boolean;
}

export interface GitlabTwin extends TwinServer {
  state: GitlabState;
  /** The web URL items link to (the twin's own URL: self-managed GitLab serves API and web on one host). */
  web: string;
}

const API = '/api/v4';

/**
 * GitLab's offset pagination (`page`, `per_page` ≤ 100, default 20) with its headers: `x-page`, `x-per-page`,
 * `x-total`, `x-total-pages`, `x-next-page` and a `Link` with `rel="next"` when there is more.
 * https://docs.gitlab.com/api/rest/#offset-based-pagination
 */
function offsetPage<T>(req: TwinRequest, base: string, all: T[], view: (x: T) => unknown): TwinResponse {
  const perPage = Math.min(100, Math.max(1, Number(req.query.per_page ?? 20) || 20));
  const page = Math.max(1, Number(req.query.page ?? 1) || 1);
  const slice = all.slice((page - 1) * perPage, page * perPage);
  const totalPages = Math.max(1, Math.ceil(all.length / perPage));
  const headers: Record<string, string> = {
    'x-page': String(page),
    'x-per-page': String(perPage),
    'x-total': String(all.length),
    'x-total-pages': String(totalPages),
    'x-next-page': page < totalPages ? String(page + 1) : '',
  };
  if (page < totalPages) {
    const next = new URL(base);
    for (const [k, v] of Object.entries(req.query)) next.searchParams.set(k, v);
    next.searchParams.set('page', String(page + 1));
    headers.link = `<${next.toString()}>; rel="next"`;
  }
  return { headers, body: slice.map(view) };
}

/**
 * Keyset pagination (`pagination=keyset`): the next page's URL carries an opaque `cursor`; no totals.
 * https://docs.gitlab.com/api/rest/#keyset-based-pagination
 */
function keysetPage<T>(
  req: TwinRequest,
  base: string,
  sorted: T[],
  key: (x: T) => string,
  view: (x: T) => unknown,
): TwinResponse {
  const perPage = Math.min(100, Math.max(1, Number(req.query.per_page ?? 20) || 20));
  let start = 0;
  if (req.query.cursor) {
    let after: string;
    try {
      after = Buffer.from(req.query.cursor, 'base64url').toString('utf8');
    } catch {
      return { status: 400, body: { message: '400 Bad request - cursor is invalid' } };
    }
    start = sorted.findIndex((x) => key(x) > after);
    if (start < 0) start = sorted.length;
  }
  const slice = sorted.slice(start, start + perPage);
  const headers: Record<string, string> = {};
  if (start + perPage < sorted.length) {
    const next = new URL(base);
    for (const [k, v] of Object.entries(req.query)) next.searchParams.set(k, v);
    next.searchParams.set('cursor', Buffer.from(key(slice.at(-1)!)).toString('base64url'));
    headers.link = `<${next.toString()}>; rel="next"`;
  }
  return { headers, body: slice.map(view) };
}

const pad = (n: number): string => String(n).padStart(12, '0');

/** Starts the GitLab REST v4 twin on 127.0.0.1 (port 0). */
export async function startGitlabTwin(state: GitlabState, options: GitlabTwinOptions = {}): Promise<GitlabTwin> {
  let web = '';
  const project = (req: TwinRequest): GlProject | undefined => state.project(req.params.id!);
  const notFound = (what: string): TwinResponse => ({ status: 404, body: { message: `404 ${what} Not Found` } });
  const withProject =
    (fn: (p: GlProject, req: TwinRequest) => TwinResponse): TwinRoute['handler'] =>
    (req) => {
      const p = project(req);
      return p ? fn(p, req) : notFound('Project');
    };

  const listNoteables = (kind: NoteableKind) =>
    withProject((p, req) => {
      let list = [...state.list(p, kind)];
      const after = req.query.updated_after ? Date.parse(req.query.updated_after) : undefined;
      // "Return issues updated on or after the given time" (inclusive).
      if (after !== undefined) list = list.filter((n) => Date.parse(n.updated_at) >= after);
      const st = req.query.state;
      if (st && st !== 'all') list = list.filter((n) => n.state === st);
      const orderBy = req.query.order_by ?? 'created_at';
      const sortKey = (n: GlNoteable): string =>
        orderBy === 'updated_at'
          ? `${n.updated_at}|${pad(n.id)}`
          : orderBy === 'id'
            ? pad(n.id)
            : `${n.created_at}|${pad(n.id)}`;
      list.sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
      if ((req.query.sort ?? 'desc') === 'desc') list.reverse();
      const base = `${web}${req.path}`;
      const view = (n: GlNoteable) => noteableView(p, kind, n, web);
      if (req.query.pagination === 'keyset') {
        if (req.query.sort === 'desc') return { status: 400, body: { message: 'keyset pagination is ascending here' } };
        return keysetPage(req, base, list, sortKey, view);
      }
      return offsetPage(req, base, list, view);
    });

  const oneNoteable = (kind: NoteableKind, fn: (p: GlProject, n: GlNoteable, req: TwinRequest) => TwinResponse) =>
    withProject((p, req) => {
      const n = state.list(p, kind).find((x) => String(x.iid) === req.params.iid);
      return n ? fn(p, n, req) : notFound(kind === 'issues' ? 'Issue' : 'Merge Request');
    });

  const routes: TwinRoute[] = [
    { method: 'GET', pattern: `${API}/user`, name: 'user', handler: () => ({ body: userView(state.users[0]!, web) }) },
    {
      method: 'GET',
      pattern: `${API}/projects/:id`,
      name: 'projects.show',
      handler: withProject((p) => ({ body: projectView(p, web) })),
    },
    {
      method: 'GET',
      pattern: `${API}/groups/:id/projects`,
      name: 'groups.projects',
      handler: (req) => {
        const group = req.params.id!.toLowerCase();
        const sub = req.query.include_subgroups === 'true';
        const list = state.projects
          .filter((p) => {
            const ns = p.namespace.toLowerCase();
            return ns === group || (sub && ns.startsWith(`${group}/`));
          })
          .sort((a, b) => a.id - b.id);
        if (!list.length && !state.projects.some((p) => p.namespace.toLowerCase().startsWith(group)))
          return notFound('Group');
        return offsetPage(req, `${web}${req.path}`, list, (p) => projectView(p, web));
      },
    },
    { method: 'GET', pattern: `${API}/projects/:id/issues`, name: 'issues.list', handler: listNoteables('issues') },
    {
      method: 'GET',
      pattern: `${API}/projects/:id/merge_requests`,
      name: 'merge_requests.list',
      handler: listNoteables('merge_requests'),
    },
    ...(['issues', 'merge_requests'] as const).map((kind): TwinRoute => ({
      method: 'GET',
      pattern: `${API}/projects/:id/${kind}/:iid`,
      name: `${kind}.show`,
      handler: oneNoteable(kind, (p, n) => ({ body: noteableView(p, kind, n, web) })),
    })),
    ...(['issues', 'merge_requests'] as const).map((kind): TwinRoute => ({
      method: 'GET',
      pattern: `${API}/projects/:id/${kind}/:iid/discussions`,
      name: `${kind}.discussions`,
      handler: oneNoteable(kind, (p, n, req) =>
        offsetPage(req, `${web}${req.path}`, discussionView(p, kind, n, web), (d) => d),
      ),
    })),
    {
      method: 'GET',
      pattern: `${API}/projects/:id/merge_requests/:iid/diffs`,
      name: 'merge_requests.diffs',
      handler: oneNoteable('merge_requests', (_p, n, req) =>
        offsetPage(req, `${web}${req.path}`, diffView(n), (d) => d),
      ),
    },
    {
      method: 'GET',
      pattern: `${API}/projects/:id/repository/commits`,
      name: 'commits.list',
      handler: withProject((p, req) => {
        if (req.query.ref_name && req.query.ref_name !== p.defaultBranch && !/^[0-9a-f]{40}$/.test(req.query.ref_name))
          return { body: [] };
        let list = p.commits;
        // ref_name may be a sha: the history from that commit down.
        if (req.query.ref_name && /^[0-9a-f]{40}$/.test(req.query.ref_name)) {
          const i = list.findIndex((c) => c.id === req.query.ref_name);
          list = i < 0 ? [] : list.slice(i);
        }
        if (req.query.since) list = list.filter((c) => Date.parse(c.committed_date) >= Date.parse(req.query.since!));
        return offsetPage(req, `${web}${req.path}`, list, (c) => commitView(p, c, web));
      }),
    },
    {
      method: 'GET',
      pattern: `${API}/projects/:id/wikis`,
      name: 'wikis.list',
      handler: withProject((p, req) => ({
        body: p.wiki.map((w) => wikiView(w, req.query.with_content === '1' || req.query.with_content === 'true')),
      })),
    },
  ];

  const twin = await startTwinServer({
    routes,
    ...(options.latencyMs !== undefined ? { latencyMs: options.latencyMs } : {}),
    ...(options.record !== undefined ? { record: options.record } : {}),
    before: (req) => {
      const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
      const token = req.headers['private-token'] ?? bearer;
      if (token && state.expiredTokens.has(token))
        return {
          status: 401,
          headers: { 'www-authenticate': 'Bearer realm="Protected by OAuth 2.0", error="invalid_token"' },
          body: {
            error: 'invalid_token',
            error_description: 'Token is expired. You can either do re-authorization or token refresh.',
          },
        };
      if (!token || !state.tokens.has(token)) return { status: 401, body: { message: '401 Unauthorized' } };
      return undefined;
    },
    // GitLab.com's rate-limit headers on every answer (https://docs.gitlab.com/user/gitlab_com/#rate-limits-on-gitlabcom).
    decorate: (_req, _route, res) => {
      res.headers = { 'ratelimit-limit': '2000', 'ratelimit-remaining': '1999', ...(res.headers ?? {}) };
    },
  });
  web = twin.url;
  return Object.assign(twin, { state, web });
}
