import { startTwinServer, type TwinRequest, type TwinResponse, type TwinRoute, type TwinServer } from '../kit/index.js';
import {
  toNotionTime,
  type NotionState,
  type TwinBlock,
  type TwinDataSource,
  type TwinPage,
  type TwinRich,
  type TwinValue,
} from './state.js';

/** The API version the twin speaks: the data-sources edition (https://developers.notion.com/reference/versioning). */
export const NOTION_VERSION = '2025-09-03';

export interface NotionTwinOptions {
  latencyMs?: number;
  record?: boolean;
  /** Enforce Notion's average limit: `perSecond` requests per second per token, bursts of `burst` (429 beyond). */
  rateLimit?: { perSecond: number; burst: number };
}

export interface NotionTwin extends TwinServer {
  state: NotionState;
  /** JSON bodies the client sent, per route (checked against the spec's request schemas). */
  requests: Array<{ route: string; body: unknown }>;
  /** 429 answers sent by the rate limiter. */
  rateLimited(): number;
}

const BOT_ID = '00000000-0000-4000-8000-00000000b0b0';
const dashless = (id: string): string => id.replace(/-/g, '');
export const notionUrl = (id: string): string => `https://www.notion.so/${dashless(id)}`;

const error = (status: number, code: string, message: string): TwinResponse => ({
  status,
  body: { object: 'error', status, code, message, request_id: 'twin-request' },
});

const annotations = (r: Extract<TwinRich, { kind: 'text' }> | undefined) => ({
  bold: r?.bold ?? false,
  italic: r?.italic ?? false,
  strikethrough: r?.strikethrough ?? false,
  underline: false,
  code: r?.code ?? false,
  color: 'default',
});

/** Notion's rich text object for one run (https://developers.notion.com/reference/rich-text). */
function richView(state: NotionState, r: TwinRich): Record<string, unknown> {
  switch (r.kind) {
    case 'text':
      return {
        type: 'text',
        text: { content: r.text, link: r.link ? { url: r.link } : null },
        annotations: annotations(r),
        plain_text: r.text,
        href: r.link ?? null,
      };
    case 'page': {
      // A mention of a page the integration cannot see reads "Untitled" (the API hides its title).
      const title = state.readable(r.id) ? (state.pages.get(r.id)?.title ?? 'Untitled') : 'Untitled';
      return {
        type: 'mention',
        mention: { type: 'page', page: { id: r.id } },
        annotations: annotations(undefined),
        plain_text: title,
        href: notionUrl(r.id),
      };
    }
    case 'user':
      return {
        type: 'mention',
        mention: { type: 'user', user: { object: 'user', id: r.id } },
        annotations: annotations(undefined),
        plain_text: `@${state.users.get(r.id)?.name ?? 'Unknown'}`,
        href: null,
      };
    case 'date':
      return {
        type: 'mention',
        mention: { type: 'date', date: { start: r.start, end: null, time_zone: null } },
        annotations: annotations(undefined),
        plain_text: r.start,
        href: null,
      };
    case 'equation':
      return {
        type: 'equation',
        equation: { expression: r.expression },
        annotations: annotations(undefined),
        plain_text: r.expression,
        href: null,
      };
  }
}

const userRef = { object: 'user', id: BOT_ID };

function blockView(state: NotionState, page: TwinPage, b: TwinBlock, parentBlock?: string): Record<string, unknown> {
  const payload: Record<string, unknown> = { ...(b.data ?? {}) };
  if (b.rich) payload.rich_text = b.rich.map((r) => richView(state, r));
  if (b.type === 'table_row')
    payload.cells = ((b.data?.cells ?? []) as TwinRich[][]).map((cell) => cell.map((r) => richView(state, r)));
  return {
    object: 'block',
    id: b.id,
    parent: parentBlock ? { type: 'block_id', block_id: parentBlock } : { type: 'page_id', page_id: page.id },
    created_time: toNotionTime(page.created),
    last_edited_time: toNotionTime(page.edited),
    created_by: userRef,
    last_edited_by: userRef,
    has_children: (b.children?.length ?? 0) > 0,
    archived: false,
    in_trash: false,
    type: b.type,
    [b.type]: payload,
  };
}

function valueView(state: NotionState, id: string, v: TwinValue): Record<string, unknown> {
  const base = { id, type: v.type };
  switch (v.type) {
    case 'title':
    case 'rich_text':
      return { ...base, [v.type]: v.rich.map((r) => richView(state, r)) };
    case 'select':
      return { ...base, select: v.name === null ? null : { id: `opt-${v.name}`, name: v.name, color: 'default' } };
    case 'multi_select':
      return { ...base, multi_select: v.names.map((n) => ({ id: `opt-${n}`, name: n, color: 'default' })) };
    case 'number':
      return { ...base, number: v.value };
    case 'checkbox':
      return { ...base, checkbox: v.value };
    case 'date':
      return { ...base, date: v.start === null ? null : { start: v.start, end: null, time_zone: null } };
    case 'url':
      return { ...base, url: v.value };
    case 'people':
      return {
        ...base,
        people: v.ids.map((u) => ({ object: 'user', id: u, name: state.users.get(u)?.name ?? null })),
      };
  }
}

/** A page object (https://developers.notion.com/reference/page). */
export function pageView(state: NotionState, p: TwinPage): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  if (p.values) {
    for (const [name, v] of Object.entries(p.values))
      properties[name] = valueView(state, v.type === 'title' ? 'title' : `p-${name}`, v);
  } else properties.title = valueView(state, 'title', { type: 'title', rich: [{ kind: 'text', text: p.title }] });
  return {
    object: 'page',
    id: p.id,
    created_time: toNotionTime(p.created),
    last_edited_time: toNotionTime(p.edited),
    created_by: userRef,
    last_edited_by: userRef,
    cover: null,
    icon: null,
    parent: p.parent,
    archived: p.inTrash,
    in_trash: p.inTrash,
    is_locked: false,
    properties,
    url: notionUrl(p.id),
    public_url: null,
  };
}

/** A data source object of the 2025-09-03 edition (https://developers.notion.com/reference/data-source). */
export function dataSourceView(state: NotionState, d: TwinDataSource): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const [name, type] of d.columns)
    properties[name] = { id: type === 'title' ? 'title' : `p-${name}`, name, type, description: null, [type]: {} };
  return {
    object: 'data_source',
    id: d.id,
    created_time: toNotionTime(d.created),
    last_edited_time: toNotionTime(d.edited),
    created_by: userRef,
    last_edited_by: userRef,
    title: [richView(state, { kind: 'text', text: d.title })],
    description: d.description ? [richView(state, { kind: 'text', text: d.description })] : [],
    icon: null,
    cover: null,
    properties,
    parent: { type: 'database_id', database_id: d.databaseId },
    database_parent: { type: 'workspace', workspace: true },
    archived: d.inTrash,
    in_trash: d.inTrash,
    is_inline: false,
    url: notionUrl(d.databaseId),
    public_url: null,
  };
}

/** Cursors are opaque to clients; the twin's carry an offset into the listing. */
const encodeCursor = (offset: number): string => Buffer.from(`o:${offset}`).toString('base64url');
function decodeCursor(c: unknown): number | undefined | 'invalid' {
  if (c === undefined || c === null) return undefined;
  const s = Buffer.from(String(c), 'base64url').toString('utf8');
  const n = s.startsWith('o:') ? Number(s.slice(2)) : NaN;
  return Number.isInteger(n) && n >= 0 ? n : 'invalid';
}

function pageSizeOf(v: unknown): number | 'invalid' {
  if (v === undefined) return 100;
  const n = Number(v);
  return Number.isInteger(n) && n >= 1 && n <= 100 ? n : 'invalid';
}

function listOf<T>(all: T[], cursor: unknown, size: unknown, view: (x: T) => unknown, type: string): TwinResponse {
  const offset = decodeCursor(cursor);
  const n = pageSizeOf(size);
  if (offset === 'invalid') return error(400, 'validation_error', 'body.start_cursor should be a valid cursor.');
  if (n === 'invalid') return error(400, 'validation_error', 'page_size should be a number between 1 and 100.');
  const from = offset ?? 0;
  const slice = all.slice(from, from + n);
  const more = from + n < all.length;
  return {
    body: {
      object: 'list',
      results: slice.map(view),
      next_cursor: more ? encodeCursor(from + n) : null,
      has_more: more,
      type,
      [type]: {},
      request_id: 'twin-request',
    },
  };
}

const isPage = (x: TwinPage | TwinDataSource): x is TwinPage => 'blocks' in x;

/**
 * Starts the Notion API twin: bearer tokens (valid, expired, revoked → 401 `unauthorized`), the `Notion-Version`
 * header (400 `missing_version` without it), `search` sorted by `last_edited_time` with cursor paging, block
 * children (nested blocks listed through their own id), pages, data sources and users; optional rate limit with
 * 429 `rate_limited` and `Retry-After`.
 */
export async function startNotionTwin(state: NotionState, options: NotionTwinOptions = {}): Promise<NotionTwin> {
  const requests: NotionTwin['requests'] = [];
  let limited = 0;
  let tokens = options.rateLimit?.burst ?? 0;
  let refill = Date.now();

  const before = (req: TwinRequest, route: TwinRoute): TwinResponse | undefined => {
    if (req.json !== undefined && options.record !== false) requests.push({ route: route.name, body: req.json });
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const status = token ? state.tokens.get(token) : undefined;
    if (status !== 'valid') return error(401, 'unauthorized', 'API token is invalid.');
    const version = req.headers['notion-version'];
    if (!version) return error(400, 'missing_version', 'Notion-Version header failed validation.');
    if (version !== NOTION_VERSION)
      return error(400, 'validation_error', `The twin speaks Notion-Version ${NOTION_VERSION} only, not ${version}.`);
    const rl = options.rateLimit;
    if (rl) {
      const now = Date.now();
      tokens = Math.min(rl.burst, tokens + ((now - refill) / 1000) * rl.perSecond);
      refill = now;
      if (tokens < 1) {
        limited++;
        return { ...error(429, 'rate_limited', 'You have been rate limited.'), headers: { 'retry-after': '1' } };
      }
      tokens -= 1;
    }
    return undefined;
  };

  const routes: TwinRoute[] = [
    {
      method: 'GET',
      pattern: '/v1/users/me',
      name: 'users.me',
      handler: () => ({
        body: { object: 'user', id: BOT_ID, name: 'Tributary twin', avatar_url: null, type: 'bot', bot: {} },
      }),
    },
    {
      method: 'GET',
      pattern: '/v1/users/:id',
      name: 'users.retrieve',
      handler: (req) => {
        const u = state.users.get(req.params.id!);
        if (!u) return error(404, 'object_not_found', `Could not find user with ID: ${req.params.id}.`);
        return { body: { object: 'user', id: u.id, name: u.name, avatar_url: null, type: u.type, [u.type]: {} } };
      },
    },
    {
      method: 'POST',
      pattern: '/v1/search',
      name: 'search',
      handler: (req) => {
        const body = (req.json ?? {}) as {
          query?: string;
          filter?: { property?: string; value?: string };
          sort?: { direction?: string; timestamp?: string };
          start_cursor?: string;
          page_size?: number;
        };
        const want = body.filter?.value;
        if (want !== undefined && want !== 'page' && want !== 'data_source')
          return error(400, 'validation_error', 'body.filter.value should be `"page"` or `"data_source"`.');
        const dir = body.sort?.direction ?? 'descending';
        if (body.sort && (body.sort.timestamp !== 'last_edited_time' || !['ascending', 'descending'].includes(dir)))
          return error(400, 'validation_error', 'body.sort should sort by last_edited_time.');
        const q = body.query?.toLowerCase();
        const all = state
          .visible()
          .filter((x) => !want || (want === 'page') === isPage(x))
          .filter((x) => !q || x.title.toLowerCase().includes(q))
          .sort((a, b) => {
            const d = Math.floor(a.edited / 60_000) - Math.floor(b.edited / 60_000) || a.id.localeCompare(b.id);
            return dir === 'ascending' ? d : -d;
          });
        return listOf(
          all,
          body.start_cursor,
          body.page_size,
          (x) => (isPage(x) ? pageView(state, x) : dataSourceView(state, x)),
          'page_or_data_source',
        );
      },
    },
    {
      method: 'GET',
      pattern: '/v1/blocks/:id/children',
      name: 'blocks.children.list',
      handler: (req) => {
        const id = req.params.id!;
        const page = state.pages.get(id);
        const found = page ? { page, blocks: page.blocks, parent: undefined } : undefined;
        const nested = found ? undefined : state.findBlock(id);
        const target =
          found ?? (nested ? { page: nested.page, blocks: nested.block.children ?? [], parent: id } : undefined);
        if (!target || !target.page.shared)
          return error(
            404,
            'object_not_found',
            `Could not find block with ID: ${id}. Make sure the relevant pages and databases are shared with your integration.`,
          );
        return listOf(
          target.blocks,
          req.query.start_cursor,
          req.query.page_size,
          (b) => blockView(state, target.page, b as TwinBlock, target.parent),
          'block',
        );
      },
    },
    {
      method: 'GET',
      pattern: '/v1/pages/:id',
      name: 'pages.retrieve',
      handler: (req) => {
        const p = state.pages.get(req.params.id!);
        if (!p || !p.shared) return error(404, 'object_not_found', `Could not find page with ID: ${req.params.id}.`);
        return { body: pageView(state, p) };
      },
    },
    {
      method: 'GET',
      pattern: '/v1/data_sources/:id',
      name: 'dataSources.retrieve',
      handler: (req) => {
        const d = state.dataSources.get(req.params.id!);
        if (!d || !d.shared)
          return error(404, 'object_not_found', `Could not find data source with ID: ${req.params.id}.`);
        return { body: dataSourceView(state, d) };
      },
    },
  ];

  const server = await startTwinServer({
    routes,
    before,
    ...(options.latencyMs !== undefined ? { latencyMs: options.latencyMs } : {}),
    ...(options.record !== undefined ? { record: options.record } : {}),
  });
  return Object.assign(server, { state, requests, rateLimited: () => limited });
}
