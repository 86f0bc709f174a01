import { readFileSync } from 'node:fs';
import {
  createSchemaValidator,
  startTwinServer,
  testdataPath,
  type SchemaValidator,
  type TwinRequest,
  type TwinResponse,
  type TwinServer,
} from '../kit/index.js';
import type { TwinPost, XState } from './state.js';

/**
 * X API v2 twin (https://docs.x.com/x-api): `GET /2/users/me`, `/2/users/:id`, `/2/users/:id/tweets`, `/mentions`,
 * `/bookmarks`, `/liked_tweets` with OAuth 2.0 user tokens and their scopes, `max_results` 5–100, `since_id`,
 * `until_id`, `start_time` and `pagination_token` (an opaque token; a forged one is a 400), field selection by
 * `post.fields`/`user.fields`/`expansions` (X's OpenAPI names), unknown query parameters refused as X does, edits as
 * new ids with `edit_history_post_ids`, note posts (`note_post`), and per-endpoint 15-minute windows reported in
 * `x-rate-limit-limit/remaining/reset` with a 429 when spent. Answers are shaped by X's OpenAPI document
 * (testdata/specs/x/openapi.json); {@link xSpecValidator} checks them.
 */

export interface XTwin extends TwinServer {
  state: XState;
}

const SPEC_PATH = testdataPath('specs', 'x', 'openapi.json');
let spec: object | undefined;
/** X's OpenAPI document (parsed once). */
export function xSpec(): object {
  return (spec ??= JSON.parse(readFileSync(SPEC_PATH, 'utf8')) as object);
}
/** Validates twin answers against the schemas of X's OpenAPI document. */
export function xSpecValidator(): SchemaValidator {
  return createSchemaValidator(xSpec());
}
/** The JSON pointer of an operation's 200 schema in X's document. */
export function xResponsePointer(path: string): string {
  return `#/paths/${path.replace(/~/g, '~0').replace(/\//g, '~1')}/get/responses/200/content/application~1json/schema`;
}

/** X's error bodies (RFC 7807 problems: https://docs.x.com/x-api/fundamentals/response-codes-and-errors). */
const problem = (
  status: number,
  title: string,
  detail: string,
  headers: Record<string, string> = {},
): TwinResponse => ({
  status,
  headers: { 'content-type': 'application/problem+json', ...headers },
  body: { title, detail, type: 'about:blank', status },
});
const invalidRequest = (message: string, parameter: string): TwinResponse => ({
  status: 400,
  body: {
    errors: [{ parameters: { [parameter]: [] }, message }],
    title: 'Invalid Request',
    detail: 'One or more parameters to your request was invalid.',
    type: 'https://api.twitter.com/2/problems/invalid-request',
  },
});

const TIMELINE_PARAMS = [
  'max_results',
  'pagination_token',
  'post.fields',
  'expansions',
  'user.fields',
  'media.fields',
  'poll.fields',
  'place.fields',
];
const PARAMS: Record<string, string[]> = {
  'users.me': ['user.fields', 'expansions', 'post.fields'],
  'users.get': ['user.fields', 'expansions', 'post.fields'],
  'users.tweets': [...TIMELINE_PARAMS, 'since_id', 'until_id', 'start_time', 'end_time', 'exclude'],
  'users.mentions': [...TIMELINE_PARAMS, 'since_id', 'until_id', 'start_time', 'end_time'],
  'users.bookmarks': TIMELINE_PARAMS,
  'users.likedTweets': TIMELINE_PARAMS,
};
const SCOPES: Record<string, string[]> = {
  'users.me': ['users.read', 'tweet.read'],
  'users.get': ['users.read', 'tweet.read'],
  'users.tweets': ['tweet.read', 'users.read'],
  'users.mentions': ['tweet.read', 'users.read'],
  'users.bookmarks': ['bookmark.read', 'tweet.read', 'users.read'],
  'users.likedTweets': ['like.read', 'tweet.read', 'users.read'],
};

const encodeToken = (until: string, ownerKey: string): string =>
  Buffer.from(`${ownerKey}|${until}`).toString('base64url');
function decodeToken(token: string, ownerKey: string): string | undefined {
  const [key, until] = Buffer.from(token, 'base64url').toString('utf8').split('|');
  return key === ownerKey && until && /^\d+$/.test(until) ? until : undefined;
}

export async function startXTwin(state: XState, options: { record?: boolean } = {}): Promise<XTwin> {
  const caller = new Map<TwinRequest, string>();
  const fields = (req: TwinRequest, name: string): Set<string> =>
    new Set((req.query[name] ?? '').split(',').filter(Boolean));

  const view = (p: TwinPost, want: Set<string>): Record<string, unknown> => {
    const out: Record<string, unknown> = {
      id: p.id,
      text: p.note ? p.note.slice(0, 280) : p.text,
      edit_history_post_ids: p.editHistory,
    };
    if (want.has('author_id')) out.author_id = p.authorId;
    if (want.has('created_at')) out.created_at = p.createdAt;
    if (want.has('conversation_id')) out.conversation_id = p.conversationId;
    if (want.has('lang') && p.lang) out.lang = p.lang;
    if (want.has('note_post') && p.note) out.note_post = { text: p.note };
    if (want.has('edit_controls'))
      out.edit_controls = {
        edits_remaining: Math.max(0, 6 - p.editHistory.length),
        is_edit_eligible: true,
        editable_until: p.createdAt,
      };
    if (want.has('referenced_posts') && p.inReplyTo)
      out.referenced_posts = [{ type: 'replied_to', id: p.inReplyTo.postId }];
    if (p.inReplyTo) out.in_reply_to_user_id = p.inReplyTo.userId;
    if (want.has('entities')) {
      const text = p.note ?? p.text;
      const entities: Record<string, unknown> = {};
      const at = (s: string): { start: number; end: number } => {
        const start = Math.max(0, text.indexOf(s));
        return { start, end: start + s.length };
      };
      if (p.urls.length)
        entities.urls = p.urls.map((u) => ({
          ...at(u.url),
          url: u.url,
          expanded_url: u.expanded,
          display_url: u.expanded.replace(/^https?:\/\//, ''),
        }));
      if (p.mentions.length)
        entities.mentions = p.mentions.map((id) => {
          const u = state.users.get(id)!;
          return { ...at(`@${u.username}`), username: u.username, id };
        });
      if (p.hashtags.length) entities.hashtags = p.hashtags.map((h) => ({ ...at(`#${h}`), tag: h }));
      if (Object.keys(entities).length) {
        if (p.note && out.note_post) (out.note_post as Record<string, unknown>).entities = entities;
        else out.entities = entities;
      }
    }
    return out;
  };

  const userView = (id: string): Record<string, unknown> => {
    const u = state.users.get(id)!;
    return { id: u.id, name: u.name, username: u.username };
  };

  const listing = (req: TwinRequest, route: string, posts: TwinPost[]): TwinResponse => {
    const max = req.query.max_results === undefined ? 10 : Number(req.query.max_results);
    if (!Number.isInteger(max) || max < 5 || max > 100)
      return invalidRequest(
        `The \`max_results\` query parameter value [${req.query.max_results}] is not between 5 and 100`,
        'max_results',
      );
    const key = `${route}:${req.params.id}`;
    let list = posts;
    if (req.query.pagination_token) {
      const until = decodeToken(req.query.pagination_token, key);
      if (!until)
        return invalidRequest('The `pagination_token` query parameter value is not valid', 'pagination_token');
      const i = list.findIndex((p) => p.id === until);
      list = i >= 0 ? list.slice(i + 1) : list.filter((p) => BigInt(p.id) < BigInt(until));
    }
    for (const [param, keep] of [
      ['since_id', (p: TwinPost, v: string) => BigInt(p.id) > BigInt(v)],
      ['until_id', (p: TwinPost, v: string) => BigInt(p.id) < BigInt(v)],
      ['start_time', (p: TwinPost, v: string) => p.createdAt >= new Date(v).toISOString()],
    ] as const) {
      const v = req.query[param];
      if (v === undefined) continue;
      if (param !== 'start_time' && !/^\d{1,19}$/.test(v))
        return invalidRequest(`The \`${param}\` query parameter value [${v}] is not valid`, param);
      list = list.filter((p) => keep(p, v));
    }
    const page = list.slice(0, max);
    state.postsServed += page.length;
    const want = fields(req, 'post.fields');
    const expansions = fields(req, 'expansions');
    const users = new Set<string>();
    for (const p of page) {
      if (expansions.has('author_id')) users.add(p.authorId);
      if (expansions.has('entities.mentions.username')) for (const m of p.mentions) users.add(m);
    }
    const body: Record<string, unknown> = { meta: { result_count: page.length } };
    if (page.length) {
      body.data = page.map((p) => view(p, want));
      const meta = body.meta as Record<string, unknown>;
      meta.newest_id = page[0]!.id;
      meta.oldest_id = page[page.length - 1]!.id;
      if (list.length > page.length) meta.next_token = encodeToken(page[page.length - 1]!.id, key);
    }
    if (users.size) body.includes = { users: [...users].filter((u) => state.users.has(u)).map(userView) };
    return { body };
  };

  const who = (req: TwinRequest): string => caller.get(req)!;
  const twin = await startTwinServer({
    record: options.record ?? true,
    before(req, route) {
      const auth = req.headers.authorization ?? '';
      const token = /^Bearer (.+)$/.exec(auth)?.[1];
      const grant = token ? state.tokens.get(token) : undefined;
      if (!token || !grant || state.expiredTokens.has(token)) return problem(401, 'Unauthorized', 'Unauthorized');
      const allowed = new Set(PARAMS[route.name] ?? []);
      for (const k of Object.keys(req.query))
        if (!allowed.has(k))
          return invalidRequest(`The query parameter [${k}] is not one of [${[...allowed].join(',')}]`, k);
      const missing = (SCOPES[route.name] ?? []).filter((s) => !grant.scopes.includes(s));
      if (missing.length)
        return {
          status: 403,
          body: {
            title: 'Unsupported Authentication',
            detail: `Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint. Supported authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context]. Missing scopes: ${missing.join(' ')}`,
            type: 'https://api.twitter.com/2/problems/unsupported-authentication',
            status: 403,
          },
        };
      // One window per endpoint and token, 15 minutes from its first request.
      const now = Math.floor(Date.now() / 1000);
      const key = `${route.name}:${token}`;
      let w = state.windows.get(key);
      if (!w || w.reset <= now) {
        w = { limit: state.windowLimit, remaining: state.windowLimit, reset: now + state.windowSeconds };
        state.windows.set(key, w);
      }
      const headers = {
        'x-rate-limit-limit': String(w.limit),
        'x-rate-limit-remaining': String(Math.max(0, w.remaining - 1)),
        'x-rate-limit-reset': String(w.reset),
      };
      if (w.remaining <= 0)
        return problem(429, 'Too Many Requests', 'Too Many Requests', { ...headers, 'x-rate-limit-remaining': '0' });
      w.remaining -= 1;
      caller.set(req, grant.userId);
      (req as TwinRequest & { rateHeaders?: Record<string, string> }).rateHeaders = headers;
      return undefined;
    },
    decorate(req, _route, res) {
      const headers = (req as TwinRequest & { rateHeaders?: Record<string, string> }).rateHeaders;
      if (headers) res.headers = { ...headers, ...res.headers };
      caller.delete(req);
    },
    routes: [
      {
        method: 'GET',
        pattern: '/2/users/me',
        name: 'users.me',
        handler: (req) => ({ body: { data: userView(who(req)) } }),
      },
      {
        method: 'GET',
        pattern: '/2/users/:id',
        name: 'users.get',
        handler: (req) =>
          state.users.has(req.params.id!)
            ? { body: { data: userView(req.params.id!) } }
            : {
                body: {
                  errors: [
                    {
                      value: req.params.id,
                      detail: `Could not find user with id: [${req.params.id}].`,
                      title: 'Not Found Error',
                      resource_type: 'user',
                      parameter: 'id',
                      resource_id: req.params.id,
                      type: 'https://api.twitter.com/2/problems/resource-not-found',
                    },
                  ],
                },
              },
      },
      {
        method: 'GET',
        pattern: '/2/users/:id/tweets',
        name: 'users.tweets',
        handler: (req) =>
          listing(
            req,
            'tweets',
            state.timeline((p) => p.authorId === req.params.id),
          ),
      },
      {
        method: 'GET',
        pattern: '/2/users/:id/mentions',
        name: 'users.mentions',
        handler: (req) =>
          listing(
            req,
            'mentions',
            state.timeline((p) => p.mentions.includes(req.params.id!)),
          ),
      },
      {
        method: 'GET',
        pattern: '/2/users/:id/bookmarks',
        name: 'users.bookmarks',
        handler: (req) => {
          // Bookmarks are private: only their owner may list them.
          if (req.params.id !== who(req)) return problem(403, 'Forbidden', 'You may only read your own bookmarks.');
          return listing(
            req,
            'bookmarks',
            (state.bookmarks.get(req.params.id!) ?? []).map((id) => state.current(id)),
          );
        },
      },
      {
        method: 'GET',
        pattern: '/2/users/:id/liked_tweets',
        name: 'users.likedTweets',
        handler: (req) =>
          listing(
            req,
            'likes',
            (state.likes.get(req.params.id!) ?? []).map((id) => state.current(id)),
          ),
      },
    ],
  });
  return Object.assign(twin, { state });
}
