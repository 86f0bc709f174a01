import { startTwinServer, type TwinRequest, type TwinResponse, type TwinRoute, type TwinServer } from '../kit/index.js';
import { bearerOf, invalidCredentials, notFound, rateLimitExceeded } from './errors.js';
import type { GmailState, TwinGmailMessage, TwinHistory } from './gmail-state.js';

/**
 * Quota units per method, as Gmail charges them (https://developers.google.com/gmail/api/reference/quota): the
 * twin spends them from a per-user budget when `quota` is on.
 */
export const GMAIL_UNITS: Record<string, number> = {
  'gmail.users.getProfile': 1,
  'gmail.users.labels.list': 1,
  'gmail.users.messages.list': 5,
  'gmail.users.messages.get': 5,
  'gmail.users.threads.get': 10,
  'gmail.users.history.list': 2,
  'gmail.users.watch': 100,
  'gmail.users.stop': 50,
};

export interface GmailTwinOptions {
  latencyMs?: number;
  record?: boolean;
  /** Enforce a per-user quota: at most `units` per `windowMs` (Gmail: 250 per second), else 429. */
  quota?: { units: number; windowMs: number };
}

export interface GmailTwin extends TwinServer {
  state: GmailState;
  /** The `rootUrl` for `@googleapis/gmail`: `<url>/`. */
  rootUrl: string;
  /** 429 answers sent by the quota. */
  rateLimited(): number;
  /** `users.watch` calls seen (topic names), newest last. */
  watches: Array<{ topicName: string; expiration: number }>;
  /** A Pub/Sub push body announcing the mailbox's current history id (what Gmail publishes after a change). */
  pushBody(messageId: string, publishTime?: Date): string;
}

const PAGE_MAX = 500;

/** Gmail's search subset the twin understands: after:/before: (epoch seconds or y/m/d), label:, {a b} (any), words. */
export function matchesQuery(q: string | undefined, m: TwinGmailMessage, labelName: (id: string) => string): boolean {
  if (!q) return true;
  const labels = m.labelIds.map((id) => labelName(id).toLowerCase().replace(/\s+/g, '-'));
  const when = (v: string): number => (/^\d+$/.test(v) ? Number(v) * 1000 : Date.parse(v.replace(/\//g, '-')));
  const term = (t: string): boolean => {
    const [k, ...rest] = t.split(':');
    const v = rest.join(':');
    if (k === 'after' && v) return m.internalDate >= when(v);
    if (k === 'before' && v) return m.internalDate < when(v);
    if ((k === 'label' || k === 'in') && v) return v === 'anywhere' || labels.includes(v.toLowerCase());
    return m.raw.toString('utf8').toLowerCase().includes(t.toLowerCase());
  };
  // Parentheses only group here (the subset has no OR outside braces), so they are dropped.
  const groups = q.replace(/[()]/g, ' ').match(/\{[^}]*\}|-?\S+/g) ?? [];
  return groups.every((g) => {
    if (g.startsWith('{')) return g.slice(1, -1).split(/\s+/).filter(Boolean).some(term);
    if (g.startsWith('-')) return !term(g.slice(1));
    return term(g);
  });
}

function pageSize(req: TwinRequest, def: number): number {
  const n = Number(req.query.maxResults ?? def);
  return Number.isFinite(n) && n > 0 ? Math.min(Math.floor(n), PAGE_MAX) : def;
}

const b64url = (b: Buffer): string => b.toString('base64url');
const encodeToken = (v: string): string => Buffer.from(`p:${v}`).toString('base64url');
function decodeToken(t: string | undefined): string | undefined {
  if (!t) return undefined;
  const s = Buffer.from(t, 'base64url').toString('utf8');
  return s.startsWith('p:') ? s.slice(2) : '\u0000';
}

function messageView(m: TwinGmailMessage, format: string | undefined): Record<string, unknown> {
  const base: Record<string, unknown> = {
    id: m.id,
    threadId: m.threadId,
    labelIds: m.labelIds,
    snippet:
      m.raw
        .toString('utf8')
        .split(/\r?\n\r?\n/)[1]
        ?.slice(0, 100)
        .replace(/\s+/g, ' ') ?? '',
    historyId: String(m.historyId),
    internalDate: String(m.internalDate),
    sizeEstimate: m.raw.length,
  };
  if (format === 'raw') base.raw = b64url(m.raw);
  return base;
}

/** Starts the Gmail API twin (`/gmail/v1/users/{userId}/…`) on 127.0.0.1, port 0. */
export async function startGmailTwin(state: GmailState, options: GmailTwinOptions = {}): Promise<GmailTwin> {
  let limited = 0;
  const spent: Array<{ at: number; units: number }> = [];
  const watches: GmailTwin['watches'] = [];
  const labelName = (id: string): string => state.labels.find((l) => l.id === id)?.name ?? id;
  const visible = (m: TwinGmailMessage, req: TwinRequest): boolean =>
    req.query.includeSpamTrash === 'true' || !m.labelIds.some((l) => l === 'SPAM' || l === 'TRASH');

  const routes: TwinRoute[] = [
    {
      method: 'GET',
      pattern: '/gmail/v1/users/:userId/profile',
      name: 'gmail.users.getProfile',
      handler: () => ({
        body: {
          emailAddress: state.emailAddress,
          messagesTotal: state.messages.size,
          threadsTotal: new Set([...state.messages.values()].map((m) => m.threadId)).size,
          historyId: String(state.historyId),
        },
      }),
    },
    {
      method: 'GET',
      pattern: '/gmail/v1/users/:userId/labels',
      name: 'gmail.users.labels.list',
      handler: () => ({
        body: {
          labels: state.labels.map((l) => ({
            id: l.id,
            name: l.name,
            type: l.type,
            ...(l.type === 'user' ? { messageListVisibility: 'show', labelListVisibility: 'labelShow' } : {}),
          })),
        },
      }),
    },
    {
      method: 'GET',
      pattern: '/gmail/v1/users/:userId/messages',
      name: 'gmail.users.messages.list',
      handler: (req) => {
        const after = decodeToken(req.query.pageToken);
        if (after === '\u0000') return { status: 400, body: { error: { code: 400, message: 'Invalid pageToken' } } };
        const wanted = req.query.labelIds;
        const all = state
          .sorted()
          .filter((m) => visible(m, req) && (!wanted || m.labelIds.includes(wanted)))
          .filter((m) => matchesQuery(req.query.q, m, labelName));
        // The token is the last (date, id) served: a page is stable when mail arrives during paging.
        const start = after ? all.findIndex((m) => `${m.internalDate}:${m.id}` === after) + 1 : 0;
        const page = all.slice(start, start + pageSize(req, 100));
        const last = page.at(-1);
        const more = last !== undefined && start + page.length < all.length;
        return {
          body: {
            ...(page.length ? { messages: page.map((m) => ({ id: m.id, threadId: m.threadId })) } : {}),
            ...(more ? { nextPageToken: encodeToken(`${last.internalDate}:${last.id}`) } : {}),
            resultSizeEstimate: all.length,
          },
        };
      },
    },
    {
      method: 'GET',
      pattern: '/gmail/v1/users/:userId/messages/:id',
      name: 'gmail.users.messages.get',
      handler: (req) => {
        const m = state.messages.get(req.params.id!);
        return m ? { body: messageView(m, req.query.format) } : notFound();
      },
    },
    {
      method: 'GET',
      pattern: '/gmail/v1/users/:userId/threads/:id',
      name: 'gmail.users.threads.get',
      handler: (req) => {
        const msgs = state.sorted().filter((m) => m.threadId === req.params.id);
        if (!msgs.length) return notFound();
        return {
          body: {
            id: req.params.id,
            historyId: String(Math.max(...msgs.map((m) => m.historyId))),
            messages: msgs.reverse().map((m) => messageView(m, 'minimal')),
          },
        };
      },
    },
    {
      method: 'GET',
      pattern: '/gmail/v1/users/:userId/history',
      name: 'gmail.users.history.list',
      handler: (req) => {
        const startId = Number(req.query.startHistoryId);
        if (!Number.isFinite(startId))
          return { status: 400, body: { error: { code: 400, message: 'Invalid startHistoryId' } } };
        // https://developers.google.com/gmail/api/reference/rest/v1/users.history/list: an id outside the
        // available range answers 404; the client must do a full sync.
        if (startId < state.minHistoryId) return notFound();
        const from = Number(decodeToken(req.query.pageToken) ?? startId);
        const records = state.history.filter((h) => h.id > from);
        const page = records.slice(0, pageSize(req, 100));
        const more = page.length < records.length;
        return {
          body: {
            ...(page.length ? { history: page.map((h) => ({ ...h, id: String(h.id), messages: messagesOf(h) })) } : {}),
            ...(more ? { nextPageToken: encodeToken(String(page.at(-1)!.id)) } : {}),
            historyId: String(state.historyId),
          },
        };
      },
    },
    {
      method: 'POST',
      pattern: '/gmail/v1/users/:userId/watch',
      name: 'gmail.users.watch',
      handler: (req) => {
        const topicName = (req.json as { topicName?: string } | undefined)?.topicName;
        if (!topicName || !/^projects\/[^/]+\/topics\/[^/]+$/.test(topicName))
          return { status: 400, body: { error: { code: 400, message: 'Invalid topicName' } } };
        const expiration = Date.now() + 7 * 86_400_000;
        watches.push({ topicName, expiration });
        return { body: { historyId: String(state.historyId), expiration: String(expiration) } };
      },
    },
    {
      method: 'POST',
      pattern: '/gmail/v1/users/:userId/stop',
      name: 'gmail.users.stop',
      handler: () => ({ status: 204 }),
    },
  ];

  const before = (req: TwinRequest, route: TwinRoute): TwinResponse | undefined => {
    const token = bearerOf(req.headers);
    if (!token || state.tokens.get(token) !== 'valid') return invalidCredentials();
    if (req.params.userId !== 'me' && req.params.userId !== state.emailAddress)
      return {
        status: 403,
        body: { error: { code: 403, message: 'Delegation denied', errors: [{ reason: 'forbidden' }] } },
      };
    if (!options.quota) return undefined;
    const now = Date.now();
    while (spent.length && spent[0]!.at <= now - options.quota.windowMs) spent.shift();
    const used = spent.reduce((a, s) => a + s.units, 0);
    const cost = GMAIL_UNITS[route.name] ?? 1;
    if (used + cost > options.quota.units) {
      limited++;
      return rateLimitExceeded();
    }
    spent.push({ at: now, units: cost });
    return undefined;
  };

  const server = await startTwinServer({
    routes,
    before,
    ...(options.latencyMs !== undefined ? { latencyMs: options.latencyMs } : {}),
    ...(options.record !== undefined ? { record: options.record } : {}),
  });
  return Object.assign(server, {
    state,
    rootUrl: `${server.url}/`,
    rateLimited: () => limited,
    watches,
    pushBody(messageId: string, publishTime = new Date()) {
      const data = Buffer.from(
        JSON.stringify({ emailAddress: state.emailAddress, historyId: state.historyId }),
      ).toString('base64');
      return JSON.stringify({
        message: {
          data,
          messageId,
          message_id: messageId,
          publishTime: publishTime.toISOString(),
          publish_time: publishTime.toISOString(),
        },
        subscription: 'projects/twin-project/subscriptions/gmail-push',
      });
    },
  });
}

/** Gmail's history record lists every message it touches under `messages` too. */
function messagesOf(h: TwinHistory): Array<{ id: string; threadId: string }> {
  return [
    ...(h.messagesAdded ?? []),
    ...(h.messagesDeleted ?? []),
    ...(h.labelsAdded ?? []),
    ...(h.labelsRemoved ?? []),
  ].map((x) => x.message);
}
