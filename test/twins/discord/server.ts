import { createHash } from 'node:crypto';
import { startTwinServer, type TwinRequest, type TwinResponse, type TwinRoute, type TwinServer } from '../kit/index.js';
import { ChannelType, type DcChannel, type DiscordState } from './state.js';
import { channelView, guildView, meView, messageView, roleView } from './views.js';

export interface DiscordTwinOptions {
  latencyMs?: number;
  record?: boolean;
  /**
   * Per-route buckets: `limit` requests per `resetAfterMs` for each route and major parameter (channel or guild),
   * announced in `X-RateLimit-*` headers; one request over answers 429. Off by default.
   */
  buckets?: { limit: number; resetAfterMs: number };
  /** The global limit: requests per second across all routes (429 with `X-RateLimit-Global`). Off by default. */
  globalPerSecond?: number;
  /** The Gateway's URL `GET /gateway/bot` answers (see gateway.ts). */
  gatewayUrl?: string;
}

export interface DiscordTwin extends TwinServer {
  state: DiscordState;
  /** 429s answered (a client that respects the headers causes none). */
  rateLimited(): number;
}

const API = '/api/v10';

const err = (status: number, code: number, message: string): TwinResponse => ({ status, body: { message, code } });

/** Starts the Discord REST twin (API v10) on 127.0.0.1, port 0. */
export async function startDiscordTwin(state: DiscordState, options: DiscordTwinOptions = {}): Promise<DiscordTwin> {
  let limited = 0;
  const buckets = new Map<string, { remaining: number; resetAt: number }>();
  let globalWindow = { start: 0, count: 0 };

  const readable = (req: TwinRequest): DcChannel | TwinResponse => {
    const c = state.channel(req.params.channel!);
    if (!c) return err(404, 10003, 'Unknown Channel');
    if (c.hidden) return err(403, 50001, 'Missing Access');
    return c;
  };

  /**
   * `GET /channels/{id}/messages`: `limit` 1–100 (default 50); `after` gives the messages right after that id,
   * `before` those right before; either way the answer is newest first.
   * https://discord.com/developers/docs/resources/message#get-channel-messages
   */
  const messages = (req: TwinRequest): TwinResponse => {
    const c = readable(req);
    if (!('messages' in c)) return c;
    const limit = Math.min(100, Math.max(1, Number(req.query.limit ?? 50) || 50));
    const all = c.messages;
    let slice;
    if (req.query.after) {
      const after = BigInt(req.query.after);
      slice = all.filter((m) => BigInt(m.id) > after).slice(0, limit);
    } else {
      const before = req.query.before ? BigInt(req.query.before) : undefined;
      const older = before === undefined ? all : all.filter((m) => BigInt(m.id) < before);
      slice = older.slice(Math.max(0, older.length - limit));
    }
    return { body: [...slice].reverse().map((m) => messageView(m, c.guild_id)) };
  };

  const threadsOf = (parent: DcChannel) =>
    state.guild(parent.guild_id).channels.filter((t) => t.parent_id === parent.id && t.owner_id !== undefined);

  const routes: TwinRoute[] = [
    { method: 'GET', pattern: `${API}/users/@me`, name: 'users.me', handler: () => ({ body: meView(state.bot) }) },
    {
      method: 'GET',
      pattern: `${API}/gateway/bot`,
      name: 'gateway.bot',
      handler: () => ({
        body: {
          url: options.gatewayUrl ?? 'wss://gateway.discord.gg',
          shards: 1,
          session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
        },
      }),
    },
    {
      method: 'GET',
      pattern: `${API}/users/@me/guilds`,
      name: 'users.guilds',
      handler: () => ({ body: state.guilds.map(guildView) }),
    },
    {
      method: 'GET',
      pattern: `${API}/guilds/:guild/channels`,
      name: 'guilds.channels',
      handler: (req) => {
        const g = state.guilds.find((x) => x.id === req.params.guild);
        if (!g) return err(404, 10004, 'Unknown Guild');
        // Threads are not listed here (they come from the thread endpoints).
        return { body: g.channels.filter((c) => c.owner_id === undefined).map(channelView) };
      },
    },
    {
      method: 'GET',
      pattern: `${API}/guilds/:guild/roles`,
      name: 'guilds.roles',
      handler: (req) => {
        const g = state.guilds.find((x) => x.id === req.params.guild);
        return g ? { body: g.roles.map(roleView) } : err(404, 10004, 'Unknown Guild');
      },
    },
    {
      method: 'GET',
      pattern: `${API}/guilds/:guild/threads/active`,
      name: 'guilds.threads.active',
      handler: (req) => {
        const g = state.guilds.find((x) => x.id === req.params.guild);
        if (!g) return err(404, 10004, 'Unknown Guild');
        const threads = g.channels.filter((c) => c.owner_id !== undefined && !c.archived);
        return { body: { threads: threads.map(channelView), members: [], has_more: false } };
      },
    },
    {
      method: 'GET',
      pattern: `${API}/channels/:channel/threads/archived/public`,
      name: 'channels.threads.archived',
      handler: (req) => {
        const c = readable(req);
        if (!('messages' in c)) return c;
        const limit = Math.min(100, Math.max(2, Number(req.query.limit ?? 50) || 50));
        const before = req.query.before ? Date.parse(req.query.before) : Infinity;
        const archived = threadsOf(c)
          .filter((t) => t.archived && Date.parse(t.archive_timestamp!) < before)
          .sort((a, b) => Date.parse(b.archive_timestamp!) - Date.parse(a.archive_timestamp!));
        return {
          body: {
            threads: archived.slice(0, limit).map(channelView),
            members: [],
            has_more: archived.length > limit,
          },
        };
      },
    },
    { method: 'GET', pattern: `${API}/channels/:channel/messages`, name: 'channels.messages', handler: messages },
  ];

  const twin = await startTwinServer({
    routes,
    ...(options.latencyMs !== undefined ? { latencyMs: options.latencyMs } : {}),
    ...(options.record !== undefined ? { record: options.record } : {}),
    before: (req, route) => {
      const token = /^Bot (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!token || !state.tokens.has(token)) return err(401, 0, '401: Unauthorized');
      const now = Date.now();
      if (options.globalPerSecond) {
        if (now - globalWindow.start >= 1000) globalWindow = { start: now, count: 0 };
        if (++globalWindow.count > options.globalPerSecond) {
          limited++;
          const retry = (1000 - (now - globalWindow.start)) / 1000;
          return {
            status: 429,
            headers: {
              'retry-after': String(Math.ceil(retry)),
              'x-ratelimit-global': 'true',
              'x-ratelimit-scope': 'global',
            },
            body: { message: 'You are being rate limited.', retry_after: retry, global: true },
          };
        }
      }
      if (!options.buckets) return undefined;
      const key = `${route.name}:${req.params.channel ?? req.params.guild ?? ''}`;
      let b = buckets.get(key);
      if (!b || now >= b.resetAt) b = { remaining: options.buckets.limit, resetAt: now + options.buckets.resetAfterMs };
      buckets.set(key, b);
      const hash = createHash('sha1').update(route.name).digest('hex').slice(0, 16);
      const resetAfter = Math.max(0, b.resetAt - now) / 1000;
      const headers = {
        'x-ratelimit-limit': String(options.buckets.limit),
        'x-ratelimit-reset': (b.resetAt / 1000).toFixed(3),
        'x-ratelimit-reset-after': resetAfter.toFixed(3),
        'x-ratelimit-bucket': hash,
      };
      if (b.remaining <= 0) {
        limited++;
        return {
          status: 429,
          headers: {
            ...headers,
            'x-ratelimit-remaining': '0',
            'retry-after': String(Math.ceil(resetAfter)),
            'x-ratelimit-scope': 'user',
          },
          body: { message: 'You are being rate limited.', retry_after: resetAfter, global: false },
        };
      }
      b.remaining--;
      (req as TwinRequest & { rateHeaders?: Record<string, string> }).rateHeaders = {
        ...headers,
        'x-ratelimit-remaining': String(b.remaining),
      };
      return undefined;
    },
    decorate: (req, _route, res) => {
      const extra = (req as TwinRequest & { rateHeaders?: Record<string, string> }).rateHeaders;
      if (extra) res.headers = { ...extra, ...(res.headers ?? {}) };
    },
  });
  return Object.assign(twin, { state, rateLimited: () => limited });
}

export { ChannelType };
