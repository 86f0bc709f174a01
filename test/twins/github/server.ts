import { startTwinServer, type TwinRequest, type TwinResponse, type TwinRoute, type TwinServer } from '../kit/index.js';
import type { GhRepo, GitHubState } from './state.js';
import { GithubViews } from './views.js';

/** Route name (GitHub's operationId) → the OpenAPI path it answers, for schema checks. */
export const GITHUB_OPERATIONS: Record<string, string> = {
  'users/get-authenticated': '/user',
  'repos/get': '/repos/{owner}/{repo}',
  'repos/list-for-user': '/users/{username}/repos',
  'repos/list-for-authenticated-user': '/user/repos',
  'repos/get-branch': '/repos/{owner}/{repo}/branches/{branch}',
  'issues/list-for-repo': '/repos/{owner}/{repo}/issues',
  'issues/list-comments-for-repo': '/repos/{owner}/{repo}/issues/comments',
  'pulls/list-reviews': '/repos/{owner}/{repo}/pulls/{pull_number}/reviews',
  'pulls/list-review-comments-for-repo': '/repos/{owner}/{repo}/pulls/comments',
  'repos/list-commits': '/repos/{owner}/{repo}/commits',
  'git/get-tree': '/repos/{owner}/{repo}/git/trees/{tree_sha}',
  'git/get-blob': '/repos/{owner}/{repo}/git/blobs/{file_sha}',
};

export interface GithubTwinOptions {
  latencyMs?: number;
  /** Primary rate limit per token: `limit` requests per `windowMs` (GitHub: 5,000 per hour). */
  rateLimit?: { limit: number; windowMs: number };
  /** The clock behind `x-ratelimit-reset` (tests pass the connector's fake clock). @default Date.now */
  now?: () => number;
  record?: boolean;
}

export interface GithubTwin extends TwinServer {
  state: GitHubState;
  /** 403 answers sent because the primary limit was used up. */
  rateLimited(): number;
}

const notFound = (): TwinResponse => ({
  status: 404,
  body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' },
});
const ms = (isoDate: string | undefined): number | undefined => (isoDate ? Date.parse(isoDate) : undefined);
/** GitHub compares `since` at second resolution. */
const sec = (t: number): number => Math.floor(t / 1000);

/** One page of `list` and the RFC 8288 `Link` header GitHub sends (next, last, prev, first). */
function paginate<T>(req: TwinRequest, base: string, list: T[]): { items: T[]; headers: Record<string, string> } {
  const perPage = Math.min(100, Math.max(1, Number(req.query.per_page ?? 30) || 30));
  const page = Math.max(1, Number(req.query.page ?? 1) || 1);
  const last = Math.max(1, Math.ceil(list.length / perPage));
  const link = (p: number): string => {
    const u = new URL(`${base}${req.path}`);
    for (const [k, v] of Object.entries(req.query)) u.searchParams.set(k, v);
    u.searchParams.set('page', String(p));
    return u.toString();
  };
  const rels: string[] = [];
  if (page < last) rels.push(`<${link(page + 1)}>; rel="next"`, `<${link(last)}>; rel="last"`);
  if (page > 1) rels.push(`<${link(page - 1)}>; rel="prev"`, `<${link(1)}>; rel="first"`);
  return {
    items: list.slice((page - 1) * perPage, page * perPage),
    headers: rels.length ? { link: rels.join(', ') } : {},
  };
}

/** Sorts by a timestamp field, ties by id, in the requested direction. */
function sortBy<T>(
  list: T[],
  key: (x: T) => number,
  id: (x: T) => number,
  direction: string | undefined,
  def: 'asc' | 'desc',
): T[] {
  const dir = (direction ?? def) === 'asc' ? 1 : -1;
  return [...list].sort((a, b) => dir * (key(a) - key(b) || id(a) - id(b)));
}

function routes(
  state: GitHubState,
  base: () => string,
  views: () => GithubViews,
  login: (req: TwinRequest) => string,
): TwinRoute[] {
  const repoOf = (req: TwinRequest): GhRepo | undefined =>
    state.repos.get(`${req.params.owner}/${req.params.repo}`.toLowerCase());
  const withRepo = (
    name: string,
    pattern: string,
    fn: (req: TwinRequest, repo: GhRepo) => TwinResponse,
  ): TwinRoute => ({
    method: 'GET',
    pattern,
    name,
    handler: (req) => {
      const repo = repoOf(req);
      // Private repositories are invisible (404, not 403) to anyone but their owner, as on GitHub.
      if (!repo || (repo.isPrivate && repo.owner !== login(req))) return notFound();
      return fn(req, repo);
    },
  });
  const list = <T>(req: TwinRequest, items: T[], view: (x: T) => unknown): TwinResponse => {
    const page = paginate(req, base(), items);
    return { headers: page.headers, body: page.items.map(view) };
  };
  const since = (req: TwinRequest): number | undefined => {
    const t = ms(req.query.since);
    return t === undefined ? undefined : sec(t);
  };
  return [
    {
      method: 'GET',
      pattern: '/user',
      name: 'users/get-authenticated',
      handler: (req) => ({ body: views().authenticated(login(req)) }),
    },
    {
      method: 'GET',
      pattern: '/users/:username/repos',
      name: 'repos/list-for-user',
      handler: (req) => {
        const mine = [...state.repos.values()].filter(
          (r) => r.owner.toLowerCase() === req.params.username!.toLowerCase() && !r.isPrivate,
        );
        return list(
          req,
          mine.sort((a, b) => a.fullName.localeCompare(b.fullName)),
          (r) => views().minimalRepo(r),
        );
      },
    },
    {
      method: 'GET',
      pattern: '/user/repos',
      name: 'repos/list-for-authenticated-user',
      handler: (req) => {
        const who = login(req);
        const visible = [...state.repos.values()].filter((r) => !r.isPrivate || r.owner === who);
        return list(
          req,
          visible.sort((a, b) => a.fullName.localeCompare(b.fullName)),
          (r) => views().repository(r),
        );
      },
    },
    withRepo('repos/get', '/repos/:owner/:repo', (_req, r) => ({ body: views().fullRepo(r) })),
    withRepo('repos/get-branch', '/repos/:owner/:repo/branches/:branch', (req, r) =>
      req.params.branch === r.default_branch && r.head() ? { body: views().branch(r) } : notFound(),
    ),
    withRepo('issues/list-for-repo', '/repos/:owner/:repo/issues', (req, r) => {
      const state_ = req.query.state ?? 'open';
      const s = since(req);
      const key =
        req.query.sort === 'updated'
          ? (i: { updated_at: number }) => i.updated_at
          : (i: { created_at: number }) => i.created_at;
      const picked = r.issues.filter(
        (i) => (state_ === 'all' || i.state === state_) && (s === undefined || sec(i.updated_at) >= s),
      );
      return list(
        req,
        sortBy(picked, key, (i) => i.number, req.query.direction, 'desc'),
        (i) => views().issue(r, i),
      );
    }),
    withRepo('issues/list-comments-for-repo', '/repos/:owner/:repo/issues/comments', (req, r) => {
      const s = since(req);
      const key =
        req.query.sort === 'updated'
          ? (c: { updated_at: number }) => c.updated_at
          : (c: { created_at: number }) => c.created_at;
      const picked = r.comments.filter((c) => s === undefined || sec(c.updated_at) >= s);
      return list(
        req,
        sortBy(picked, key, (c) => c.id, req.query.direction, 'asc'),
        (c) => views().comment(r, c),
      );
    }),
    withRepo('pulls/list-review-comments-for-repo', '/repos/:owner/:repo/pulls/comments', (req, r) => {
      const s = since(req);
      const key =
        req.query.sort === 'updated'
          ? (c: { updated_at: number }) => c.updated_at
          : (c: { created_at: number }) => c.created_at;
      const picked = r.reviewComments.filter((c) => s === undefined || sec(c.updated_at) >= s);
      return list(
        req,
        sortBy(picked, key, (c) => c.id, req.query.direction, 'asc'),
        (c) => views().reviewComment(r, c),
      );
    }),
    withRepo('pulls/list-reviews', '/repos/:owner/:repo/pulls/:pull_number/reviews', (req, r) => {
      const n = Number(req.params.pull_number);
      if (!r.issues.some((i) => i.number === n && i.pull)) return notFound();
      return list(
        req,
        r.reviews.filter((v) => v.pull === n),
        (v) => views().review(r, v),
      );
    }),
    withRepo('repos/list-commits', '/repos/:owner/:repo/commits', (req, r) => {
      const from = req.query.sha ?? r.default_branch;
      const startSha = from === r.default_branch ? r.head()?.sha : from;
      const bySha = new Map(r.commits.map((c) => [c.sha, c]));
      if (!startSha || !bySha.has(startSha))
        return {
          status: 409,
          body: { message: 'Git Repository is empty.', documentation_url: 'https://docs.github.com/rest' },
        };
      const s = since(req);
      const walk = [];
      for (let c = bySha.get(startSha); c; c = c.parents[0] ? bySha.get(c.parents[0]) : undefined)
        if (s === undefined || sec(c.date) >= s) walk.push(c);
      return list(req, walk, (c) => views().commit(r, c));
    }),
    withRepo('git/get-tree', '/repos/:owner/:repo/git/trees/:tree_sha', (req, r) => {
      const sha = req.params.tree_sha!;
      const resolved = r.trees.has(sha) ? sha : sha === r.default_branch ? r.head()?.tree : undefined;
      return resolved
        ? {
            body: views().tree(
              r,
              resolved,
              req.query.recursive !== undefined && req.query.recursive !== '0' && req.query.recursive !== 'false',
            ),
          }
        : notFound();
    }),
    withRepo('git/get-blob', '/repos/:owner/:repo/git/blobs/:file_sha', (req, r) =>
      r.blobs.has(req.params.file_sha!) ? { body: views().blob(r, req.params.file_sha!) } : notFound(),
    ),
  ];
}

/**
 * Starts a GitHub REST twin over `state`: responses built from GitHub's own examples (valid against its OpenAPI
 * description), `Link` pagination, `since` filters, private repositories, token auth (401 Bad credentials), and the
 * primary rate limit with `x-ratelimit-*` headers (403 when used up).
 */
export async function startGithubTwin(state: GitHubState, options: GithubTwinOptions = {}): Promise<GithubTwin> {
  const now = options.now ?? Date.now;
  const limit = options.rateLimit ?? { limit: 5000, windowMs: 3_600_000 };
  const budgets = new Map<string, { used: number; reset: number }>();
  let limited = 0;
  let baseUrl = '';
  let views: GithubViews | undefined = undefined;
  const tokenOf = (req: TwinRequest): string | undefined =>
    req.headers.authorization?.replace(/^(token|bearer)\s+/i, '');
  const login = (req: TwinRequest): string => state.tokens.get(tokenOf(req) ?? '')?.login ?? '';
  const budget = (req: TwinRequest) => {
    const key = tokenOf(req) ?? 'anonymous';
    let b = budgets.get(key);
    if (!b || now() >= b.reset) budgets.set(key, (b = { used: 0, reset: now() + limit.windowMs }));
    return b;
  };
  const server = await startTwinServer({
    routes: routes(
      state,
      () => baseUrl,
      () => views!,
      login,
    ),
    ...(options.latencyMs !== undefined ? { latencyMs: options.latencyMs } : {}),
    ...(options.record !== undefined ? { record: options.record } : {}),
    before(req) {
      const t = state.tokens.get(tokenOf(req) ?? '');
      if (!t || t.state !== 'valid')
        return {
          status: 401,
          body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' },
        };
      const b = budget(req);
      if (b.used >= limit.limit) {
        limited++;
        return {
          status: 403,
          body: {
            message: `API rate limit exceeded for user ID ${state.users.get(t.login)}.`,
            documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
          },
        };
      }
      b.used++;
      return undefined;
    },
    decorate(req, _route, res) {
      const b = budget(req);
      res.headers = {
        ...res.headers,
        'x-ratelimit-limit': String(limit.limit),
        'x-ratelimit-remaining': String(Math.max(0, limit.limit - b.used)),
        'x-ratelimit-reset': String(Math.ceil(b.reset / 1000)),
        'x-ratelimit-used': String(b.used),
        'x-ratelimit-resource': 'core',
        'x-github-api-version-selected': '2022-11-28',
      };
    },
  });
  baseUrl = server.url;
  views = new GithubViews(state, server.url);
  return { ...server, state, rateLimited: () => limited };
}
