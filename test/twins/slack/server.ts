import { startTwinServer, type TwinRequest, type TwinResponse, type TwinRoute, type TwinServer } from '../kit/index.js';
import type { SlackState, TwinChannel, TwinMessage } from './state.js';

/**
 * Slack's rate-limit tiers (requests per minute, https://api.slack.com/apis/rate-limits): each Web API method
 * belongs to one; the limit applies per method and workspace.
 */
export const SLACK_TIERS = { 1: 1, 2: 20, 3: 50, 4: 100 } as const;

const METHOD_TIER: Record<string, keyof typeof SLACK_TIERS> = {
  'auth.test': 4,
  'conversations.list': 2,
  'conversations.history': 3,
  'conversations.replies': 3,
  'conversations.info': 3,
  'users.info': 4,
};

export interface SlackTwinOptions {
  latencyMs?: number;
  /** Enforce tier limits: per method, `SLACK_TIERS[tier]` calls per `windowMs` (scaled down in benchmarks). */
  rateLimit?: { windowMs: number };
  record?: boolean;
}

export interface SlackTwin extends TwinServer {
  state: SlackState;
  /** The `slackApiUrl` for `@slack/web-api`: `<url>/api/`. */
  apiUrl: string;
  /** 429 answers sent by the tier limiter. */
  rateLimited(): number;
}

const ok = (body: Record<string, unknown>): TwinResponse => ({ body: { ok: true, ...body } });
const fail = (error: string, extra: Record<string, unknown> = {}): TwinResponse => ({
  body: { ok: false, error, ...extra },
});

/** Cursors are opaque to clients; Slack's look like base64 of `next_ts:<ts>` (or an offset for lists). */
const encodeCursor = (v: string): string => Buffer.from(`next:${v}`).toString('base64');
function decodeCursor(c: string | undefined): string | undefined {
  if (!c) return undefined;
  const s = Buffer.from(c, 'base64').toString('utf8');
  return s.startsWith('next:') ? s.slice(5) : '\u0000invalid';
}

function limitOf(req: TwinRequest, def: number, max: number): number {
  const n = Number(req.query.limit ?? def);
  return Number.isFinite(n) && n > 0 ? Math.min(Math.floor(n), max) : def;
}

/** The API view of a message: a thread parent carries its reply summary (never the replies themselves). */
function view(state: SlackState, channel: TwinChannel, m: TwinMessage): Record<string, unknown> {
  const out: Record<string, unknown> = { ...m };
  if (m.thread_ts === m.ts) {
    const replies = state.replies(channel, m.ts);
    out.reply_count = replies.length;
    out.reply_users = [...new Set(replies.map((r) => r.user).filter((u): u is string => !!u))];
    out.reply_users_count = (out.reply_users as string[]).length;
    if (replies.length) out.latest_reply = replies[replies.length - 1]!.ts;
  }
  return out;
}

function conversationView(c: TwinChannel): Record<string, unknown> {
  const base: Record<string, unknown> = {
    id: c.id,
    created: c.created,
    is_archived: c.is_archived,
    is_im: c.kind === 'im',
    is_mpim: c.kind === 'mpim',
    is_private: c.kind !== 'channel',
    is_org_shared: false,
  };
  if (c.kind === 'im') return { ...base, user: c.user, is_user_deleted: false, priority: 0 };
  return {
    ...base,
    name: c.name,
    name_normalized: c.name,
    is_channel: c.kind === 'channel',
    is_group: c.kind === 'group',
    is_general: false,
    is_member: c.is_member,
    is_shared: false,
    is_ext_shared: false,
    is_pending_ext_shared: false,
    creator: 'U0CREATOR',
    unlinked: 0,
    topic: { value: '', creator: '', last_set: 0 },
    purpose: { value: '', creator: '', last_set: 0 },
    num_members: 4,
    pending_shared: [],
    previous_names: [],
  };
}

const TYPE_OF: Record<TwinChannel['kind'], string> = {
  channel: 'public_channel',
  group: 'private_channel',
  im: 'im',
  mpim: 'mpim',
};
const HISTORY_SCOPE: Record<TwinChannel['kind'], string> = {
  channel: 'channels:history',
  group: 'groups:history',
  im: 'im:history',
  mpim: 'mpim:history',
};

/** Messages strictly (or, with `inclusive`, also exactly) between `oldest` and `latest`. */
function inWindow(req: TwinRequest): (m: TwinMessage) => boolean {
  const inclusive = req.query.inclusive === 'true' || req.query.inclusive === '1';
  const oldest = req.query.oldest ? Number(req.query.oldest) : undefined;
  const latest = req.query.latest ? Number(req.query.latest) : undefined;
  return (m) => {
    const t = Number(m.ts);
    if (oldest !== undefined && (inclusive ? t < oldest : t <= oldest)) return false;
    if (latest !== undefined && (inclusive ? t > latest : t >= latest)) return false;
    return true;
  };
}

function routes(state: SlackState): TwinRoute[] {
  const conv = (req: TwinRequest): TwinChannel | TwinResponse => {
    const token = state.tokens.get(bearer(req) ?? '')!;
    const c = state.channels.find((x) => x.id === req.query.channel && (!x.userOnly || token.kind === 'user'));
    if (!c) return fail('channel_not_found');
    if (!token.scopes.includes(HISTORY_SCOPE[c.kind]))
      return fail('missing_scope', { needed: HISTORY_SCOPE[c.kind], provided: token.scopes.join(',') });
    if (c.kind !== 'im' && !c.is_member) return fail('not_in_channel');
    return c;
  };
  const r = (name: string, handler: TwinRoute['handler']): TwinRoute => ({
    method: 'GET',
    pattern: `/api/${name}`,
    name,
    handler,
  });
  return [
    r('auth.test', (req) => {
      const token = state.tokens.get(bearer(req) ?? '')!;
      return ok({
        url: state.team.url,
        team: state.team.name,
        user: token.kind === 'bot' ? 'twinbot' : 'twinuser',
        team_id: state.team.id,
        user_id: token.kind === 'bot' ? state.botUserId : 'U0TWINUSER',
        ...(token.kind === 'bot' ? { bot_id: 'B0TWINBOT' } : {}),
        is_enterprise_install: false,
      });
    }),
    r('conversations.list', (req) => {
      const types = new Set((req.query.types ?? 'public_channel').split(',').map((t) => t.trim()));
      const excludeArchived = req.query.exclude_archived === 'true';
      const kind = state.tokens.get(bearer(req) ?? '')!.kind;
      const all = state.channels.filter(
        (c) => types.has(TYPE_OF[c.kind]) && !(excludeArchived && c.is_archived) && (!c.userOnly || kind === 'user'),
      );
      const start = Number(decodeCursor(req.query.cursor) ?? 0);
      if (!Number.isInteger(start)) return fail('invalid_cursor');
      const limit = limitOf(req, 100, 1000);
      const page = all.slice(start, start + limit);
      const next = start + limit < all.length ? encodeCursor(String(start + limit)) : '';
      return ok({ channels: page.map(conversationView), response_metadata: { next_cursor: next } });
    }),
    r('conversations.history', (req) => {
      const c = conv(req);
      if (!('id' in c)) return c;
      const before = decodeCursor(req.query.cursor);
      if (before !== undefined && !Number.isFinite(Number(before))) return fail('invalid_cursor');
      const keep = inWindow(req);
      // Newest first; thread replies stay in their thread unless broadcast to the channel.
      const top = c.messages
        .filter((m) => (!m.thread_ts || m.thread_ts === m.ts || m.subtype === 'thread_broadcast') && keep(m))
        .reverse();
      const from = before === undefined ? 0 : top.findIndex((m) => Number(m.ts) < Number(before));
      const limit = limitOf(req, 100, 999);
      const page = from < 0 ? [] : top.slice(from, from + limit);
      const hasMore = from >= 0 && from + limit < top.length;
      return ok({
        messages: page.map((m) => view(state, c, m)),
        has_more: hasMore,
        pin_count: 0,
        channel_actions_ts: null,
        channel_actions_count: 0,
        ...(hasMore ? { response_metadata: { next_cursor: encodeCursor(page[page.length - 1]!.ts) } } : {}),
      });
    }),
    r('conversations.replies', (req) => {
      const c = conv(req);
      if (!('id' in c)) return c;
      const parent = c.messages.find((m) => m.ts === req.query.ts);
      if (!parent) return fail('thread_not_found');
      const after = decodeCursor(req.query.cursor);
      if (after !== undefined && !Number.isFinite(Number(after))) return fail('invalid_cursor');
      const keep = inWindow(req);
      const replies = parent.thread_ts === parent.ts ? state.replies(c, parent.ts).filter(keep) : [];
      const from = after === undefined ? 0 : replies.findIndex((m) => Number(m.ts) > Number(after));
      const limit = limitOf(req, 100, 1000);
      const page = from < 0 ? [] : replies.slice(from, from + limit);
      const hasMore = from >= 0 && from + limit < replies.length;
      // The parent always comes first, whatever the window (as Slack answers).
      return ok({
        messages: [view(state, c, parent), ...page.map((m) => view(state, c, m))],
        has_more: hasMore,
        ...(hasMore ? { response_metadata: { next_cursor: encodeCursor(page[page.length - 1]!.ts) } } : {}),
      });
    }),
    r('users.info', (req) => {
      const user = state.users.get(req.query.user ?? '');
      return user ? ok({ user }) : fail('user_not_found');
    }),
  ];
}

function bearer(req: TwinRequest): string | undefined {
  const h = req.headers.authorization;
  if (h?.startsWith('Bearer ')) return h.slice(7);
  return req.query.token;
}

/**
 * Starts a Slack Web API twin over `state`: auth (invalid, revoked and expired tokens answer as Slack does: HTTP 200
 * with `ok: false`), cursor pagination, threads, scopes and per-method tier limits (429 with `Retry-After`).
 */
export async function startSlackTwin(state: SlackState, options: SlackTwinOptions = {}): Promise<SlackTwin> {
  const windows = new Map<string, { start: number; used: number }>();
  let limited = 0;
  const server = await startTwinServer({
    routes: routes(state),
    ...(options.latencyMs !== undefined ? { latencyMs: options.latencyMs } : {}),
    ...(options.record !== undefined ? { record: options.record } : {}),
    before(req, route) {
      const token = bearer(req);
      if (!token) return fail('not_authed');
      const t = state.tokens.get(token);
      if (!t) return fail('invalid_auth');
      if (t.state === 'revoked') return fail('token_revoked');
      if (t.state === 'expired') return fail('token_expired');
      if (route.name === 'users.info' && !t.scopes.includes('users:read'))
        return fail('missing_scope', { needed: 'users:read', provided: t.scopes.join(',') });
      if (options.rateLimit) {
        const now = Date.now();
        const w = windows.get(route.name);
        const limit = SLACK_TIERS[METHOD_TIER[route.name] ?? 3];
        if (!w || now - w.start >= options.rateLimit.windowMs) windows.set(route.name, { start: now, used: 1 });
        else if (w.used >= limit) {
          limited++;
          const wait = Math.max(1, Math.ceil((w.start + options.rateLimit.windowMs - now) / 1000));
          return { status: 429, headers: { 'retry-after': String(wait) }, body: { ok: false, error: 'ratelimited' } };
        } else w.used++;
      }
      return undefined;
    },
  });
  return { ...server, state, apiUrl: `${server.url}/api/`, rateLimited: () => limited };
}
