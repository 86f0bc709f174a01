import { startTwinServer, type TwinRequest, type TwinResponse, type TwinRoute, type TwinServer } from '../kit/index.js';
import type { ConfluenceState, TwinBody, TwinConfluenceComment, TwinContent } from './confluence-state.js';

export interface ConfluenceTwinOptions {
  latencyMs?: number;
  record?: boolean;
}

export interface ConfluenceTwin extends TwinServer {
  state: ConfluenceState;
  /** The site URL for API-token clients (this server; the API lives under `/wiki/api/v2`). */
  siteUrl: string;
  /** `https://api.atlassian.com` for OAuth clients (this server too). */
  apiUrl: string;
}

const iso = (ms: number) => new Date(ms).toISOString();
const error = (status: number, title: string): TwinResponse => ({
  status,
  body: { errors: [{ status, code: title.toUpperCase().replace(/\W+/g, '_'), title, detail: null }] },
});

function bodyOf(body: TwinBody, format: string | undefined): Record<string, unknown> {
  if (format === 'atlas_doc_format')
    return { atlas_doc_format: { representation: 'atlas_doc_format', value: JSON.stringify(body.adf) } };
  if (format === 'storage') return { storage: { representation: 'storage', value: body.storage } };
  return {};
}

type Key = { t: number; id: string };
const encode = (k: Key): string => Buffer.from(JSON.stringify(k)).toString('base64url');
function decode(s: string | undefined): Key | undefined | 'invalid' {
  if (!s) return undefined;
  try {
    const k = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as Key;
    return typeof k.id === 'string' && typeof k.t === 'number' ? k : 'invalid';
  } catch {
    return 'invalid';
  }
}

const SORTS = new Set(['id', '-id', 'modified-date', '-modified-date', 'created-date', '-created-date']);

/**
 * Pages a listing the v2 way: `limit` (≤ 250), an opaque `cursor`, and `_links.next` with the relative URL of the
 * next page (https://developer.atlassian.com/cloud/confluence/rest/v2/intro/#using-pagination). Cursors are
 * search-after keys, so content edited while paging is neither skipped nor repeated.
 */
function paged<T>(req: TwinRequest, all: T[], keyOf: (x: T) => Key, view: (x: T) => unknown): TwinResponse {
  const sort = req.query.sort ?? 'id';
  if (!SORTS.has(sort)) return error(400, `Invalid sort ${sort}`);
  const desc = sort.startsWith('-');
  const cmp = (a: Key, b: Key) => {
    const d = a.t - b.t || Number(a.id) - Number(b.id);
    return desc ? -d : d;
  };
  const limit = Math.min(Math.max(Number(req.query.limit ?? 25) || 25, 1), 250);
  const after = decode(req.query.cursor);
  if (after === 'invalid') return error(400, 'Invalid cursor');
  const sorted = all.map((x) => [keyOf(x), x] as const).sort((a, b) => cmp(a[0], b[0]));
  const from = after ? sorted.filter(([k]) => cmp(k, after) > 0) : sorted;
  const page = from.slice(0, limit);
  const out: Record<string, unknown> = { results: page.map(([, x]) => view(x)), _links: { base: '' } };
  if (from.length > limit) {
    const q = new URLSearchParams(req.query);
    q.set('cursor', encode(page.at(-1)![0]));
    // Relative to the site (OAuth clients prepend their gateway base), as Confluence sends it.
    (out._links as Record<string, string>).next = `${req.path.replace(/^\/ex\/confluence\/[^/]+/, '')}?${q.toString()}`;
  }
  return { body: out };
}

/**
 * Starts the Confluence Cloud REST v2 twin: spaces, pages and blog posts (filters `space-id`, `status`, `id`; sorts
 * by id, created or modified date; bodies in `atlas_doc_format` or `storage`), one content by id and by `version`,
 * version listings, footer and inline comments site-wide; `_links.next` cursor paging; Basic API tokens on the
 * site, OAuth bearer tokens under `/ex/confluence/{cloudId}` with `/oauth/token/accessible-resources`.
 */
export async function startConfluenceTwin(
  state: ConfluenceState,
  options: ConfluenceTwinOptions = {},
): Promise<ConfluenceTwin> {
  const sortKey = (sort: string | undefined) =>
    (sort ?? 'id').replace('-', '') === 'modified-date'
      ? (c: TwinContent) => ({ t: c.versions.at(-1)!.createdAt, id: c.id })
      : (sort ?? 'id').replace('-', '') === 'created-date'
        ? (c: TwinContent) => ({ t: c.createdAt, id: c.id })
        : (c: TwinContent) => ({ t: 0, id: c.id });
  const versionView = (v: TwinContent['versions'][number]) => ({
    createdAt: iso(v.createdAt),
    message: v.message,
    number: v.number,
    minorEdit: false,
    authorId: v.authorId,
  });
  const contentView = (c: TwinContent, format: string | undefined, versionNo?: number) => {
    const v = versionNo ? c.versions.find((x) => x.number === versionNo)! : c.versions.at(-1)!;
    const space = state.space(c.spaceId)!;
    const path = c.kind === 'page' ? `pages/${c.id}` : `blog/${c.id}`;
    return {
      id: c.id,
      status: versionNo && versionNo !== c.versions.at(-1)!.number ? 'historical' : c.status,
      title: v.title,
      spaceId: c.spaceId,
      ...(c.kind === 'page'
        ? { parentId: c.parentId ?? undefined, parentType: c.parentId ? 'page' : undefined, position: 0 }
        : {}),
      authorId: c.authorId,
      ...(c.kind === 'page' ? { ownerId: c.authorId, lastOwnerId: null } : {}),
      createdAt: iso(c.createdAt),
      version: versionView(v),
      body: bodyOf(v.body, format),
      _links: {
        webui: `/spaces/${space.key}/${path}`,
        editui: `/pages/resumedraft.action?draftId=${c.id}`,
        tinyui: `/x/${c.id}`,
      },
    };
  };
  const commentView = (c: TwinConfluenceComment, format: string | undefined) => {
    const v = c.versions.at(-1)!;
    const container = state.contents.get(c.containerId)!;
    return {
      id: c.id,
      status: c.status,
      title: `Re: ${container.versions.at(-1)!.title}`,
      ...(c.containerKind === 'page' ? { pageId: c.containerId } : { blogPostId: c.containerId }),
      version: { createdAt: iso(v.createdAt), message: '', number: v.number, minorEdit: false, authorId: v.authorId },
      body: bodyOf(v.body, format),
      ...(c.kind === 'inline'
        ? {
            resolutionStatus: 'open',
            properties: { inlineMarkerRef: `marker-${c.id}`, inlineOriginalSelection: c.selection ?? '' },
          }
        : {}),
      _links: { webui: `/spaces/x/pages/${c.containerId}?focusedCommentId=${c.id}` },
    };
  };
  const list = (kind: 'page' | 'blogpost') => (req: TwinRequest) => {
    const spaceIds = req.query['space-id']?.split(',').filter(Boolean);
    const ids = req.query.id?.split(',').filter(Boolean);
    const statuses = (req.query.status ?? 'current').split(',');
    const all = [...state.contents.values()].filter(
      (c) =>
        c.kind === kind &&
        statuses.includes(c.status) &&
        (!spaceIds || spaceIds.includes(c.spaceId)) &&
        (!ids || ids.includes(c.id)),
    );
    return paged(req, all, sortKey(req.query.sort), (c) => contentView(c, req.query['body-format']));
  };
  const one = (kind: 'page' | 'blogpost') => (req: TwinRequest) => {
    const c = state.contents.get(req.params.id!);
    const statuses = (req.query.status ?? 'current,archived').split(',');
    if (!c || c.kind !== kind || !statuses.includes(c.status)) return error(404, 'Not Found');
    const n = req.query.version ? Number(req.query.version) : undefined;
    if (n !== undefined && !c.versions.some((v) => v.number === n)) return error(404, 'Not Found');
    return { body: contentView(c, req.query['body-format'], n) };
  };
  const versions = (kind: 'page' | 'blogpost') => (req: TwinRequest) => {
    const c = state.contents.get(req.params.id!);
    if (!c || c.kind !== kind) return error(404, 'Not Found');
    return paged(
      req,
      c.versions,
      (v) => ({ t: v.createdAt, id: String(v.number) }),
      (v) => ({
        ...versionView(v),
        [kind === 'page' ? 'page' : 'blogpost']: { id: c.id, title: v.title },
      }),
    );
  };
  const comments = (kind: 'footer' | 'inline') => (req: TwinRequest) => {
    const all = [...state.comments.values()].filter(
      (c) => c.kind === kind && c.status === 'current' && state.contents.get(c.containerId)?.status === 'current',
    );
    const by = (req.query.sort ?? 'created-date').replace('-', '');
    return paged(
      req,
      all,
      (c) => ({ t: by === 'modified-date' ? c.versions.at(-1)!.createdAt : c.versions[0]!.createdAt, id: c.id }),
      (c) => commentView(c, req.query['body-format']),
    );
  };
  const api = (prefix: string): TwinRoute[] => [
    {
      method: 'GET',
      pattern: `${prefix}/wiki/api/v2/spaces`,
      name: 'spaces',
      handler: (req) => {
        const keys = req.query.keys?.split(',').filter(Boolean);
        const all = state.spaces.filter((s) => !keys || keys.includes(s.key));
        return paged(
          req,
          all,
          (s) => ({ t: 0, id: s.id }),
          (s) => ({
            id: s.id,
            key: s.key,
            name: s.name,
            type: 'global',
            status: 'current',
            authorId: 'acc-ada',
            createdAt: iso(Date.UTC(2025, 0, 1)),
            homepageId: '1',
            _links: { webui: `/spaces/${s.key}` },
          }),
        );
      },
    },
    { method: 'GET', pattern: `${prefix}/wiki/api/v2/pages`, name: 'pages', handler: list('page') },
    { method: 'GET', pattern: `${prefix}/wiki/api/v2/blogposts`, name: 'blogposts', handler: list('blogpost') },
    { method: 'GET', pattern: `${prefix}/wiki/api/v2/pages/:id`, name: 'page.get', handler: one('page') },
    { method: 'GET', pattern: `${prefix}/wiki/api/v2/blogposts/:id`, name: 'blogpost.get', handler: one('blogpost') },
    {
      method: 'GET',
      pattern: `${prefix}/wiki/api/v2/pages/:id/versions`,
      name: 'page.versions',
      handler: versions('page'),
    },
    {
      method: 'GET',
      pattern: `${prefix}/wiki/api/v2/blogposts/:id/versions`,
      name: 'blogpost.versions',
      handler: versions('blogpost'),
    },
    {
      method: 'GET',
      pattern: `${prefix}/wiki/api/v2/footer-comments`,
      name: 'footer-comments',
      handler: comments('footer'),
    },
    {
      method: 'GET',
      pattern: `${prefix}/wiki/api/v2/inline-comments`,
      name: 'inline-comments',
      handler: comments('inline'),
    },
  ];
  const routes: TwinRoute[] = [
    ...api(''),
    ...api(`/ex/confluence/${state.cloudId}`),
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
            scopes: ['read:confluence-content.all'],
            avatarUrl: '',
          },
        ],
      }),
    },
  ];
  const server = await startTwinServer({
    routes,
    before: (req, route) => {
      const auth = req.headers.authorization ?? '';
      const oauthRoute = req.path.startsWith('/ex/') || route.name === 'accessible-resources';
      const status =
        auth.startsWith('Bearer ') && oauthRoute
          ? state.oauthTokens.get(auth.slice(7))
          : auth.startsWith('Basic ') && !oauthRoute
            ? state.apiTokens.get(Buffer.from(auth.slice(6), 'base64').toString('utf8'))
            : undefined;
      return status === 'valid' ? undefined : error(401, 'Unauthorized');
    },
    ...(options.latencyMs !== undefined ? { latencyMs: options.latencyMs } : {}),
    ...(options.record !== undefined ? { record: options.record } : {}),
  });
  return Object.assign(server, { state, siteUrl: server.url, apiUrl: server.url });
}
