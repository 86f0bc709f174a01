import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { FaultInjector } from './faults.js';

/** A request as a twin handler sees it. */
export interface TwinRequest {
  method: string;
  /** The path without the query string. */
  path: string;
  /** Path parameters matched by the route pattern (`/repos/:owner/:repo`). */
  params: Record<string, string>;
  /** Query parameters, plus form or JSON body fields (Slack accepts both). */
  query: Record<string, string>;
  headers: Record<string, string>;
  rawBody: string;
  /** The parsed JSON body, when the body was JSON. */
  json?: unknown;
}

/** What a handler answers. A non-string body is sent as JSON. */
export interface TwinResponse {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export type TwinHandler = (req: TwinRequest) => TwinResponse | Promise<TwinResponse>;

export interface TwinRoute {
  method: string;
  /** `/api/conversations.history`, `/repos/:owner/:repo/issues`; `:name` matches one path segment. */
  pattern: string;
  /** The name used for counting and fault targeting (`conversations.history`, `issues.listForRepo`). */
  name: string;
  handler: TwinHandler;
}

/** One request the twin answered, as recorded for assertions and schema checks. */
export interface Exchange {
  route: string;
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export interface TwinServerOptions {
  routes: TwinRoute[];
  /** Delay before each answer, to model a real network (benchmarks). @default 0 */
  latencyMs?: number;
  /** Runs before routing (auth, rate limits): a response here short-circuits the handler. */
  before?: (req: TwinRequest, route: TwinRoute) => TwinResponse | undefined | Promise<TwinResponse | undefined>;
  /** Keep every exchange (with its body) in `exchanges`. Off for benchmarks. @default true */
  record?: boolean;
  /** Adds headers to every answer (e.g. GitHub's `x-ratelimit-*`). */
  decorate?: (req: TwinRequest, route: TwinRoute | undefined, res: TwinResponse) => void;
}

export interface TwinServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  faults: FaultInjector;
  /** Every answered request, in order (tests reset it between phases). */
  exchanges: Exchange[];
  /** Requests per route name since the last reset. */
  counts(): Record<string, number>;
  /** Total requests since the last reset. */
  total(): number;
  resetCounts(): void;
  setLatency(ms: number): void;
  close(): Promise<void>;
}

interface CompiledRoute {
  route: TwinRoute;
  regex: RegExp;
  keys: string[];
}

function compile(route: TwinRoute): CompiledRoute {
  const keys: string[] = [];
  const source = route.pattern
    .split('/')
    .map((seg) => {
      if (seg.startsWith(':')) {
        keys.push(seg.slice(1));
        return '([^/]+)';
      }
      if (seg === '*') {
        keys.push('rest');
        return '(.+)';
      }
      return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { route, regex: new RegExp(`^${source}$`), keys };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Starts a twin on 127.0.0.1, port 0. The server routes, counts, applies armed faults and records every exchange;
 * the provider's behaviour lives in the routes.
 * @example const twin = await startTwinServer({ routes }); … await twin.close();
 */
export async function startTwinServer(options: TwinServerOptions): Promise<TwinServer> {
  const compiled = options.routes.map(compile);
  const faults = new FaultInjector();
  const exchanges: Exchange[] = [];
  let counts: Record<string, number> = {};
  let latency = options.latencyMs ?? 0;
  const sockets = new Set<Socket>();

  const send = (res: ServerResponse, reply: TwinResponse, truncate = false): string => {
    // A Buffer body is sent as its bytes (downloads of binary files); a string as UTF-8; anything else as JSON.
    const raw = Buffer.isBuffer(reply.body) ? reply.body : undefined;
    const isText = typeof reply.body === 'string' || raw !== undefined;
    const text =
      reply.body === undefined ? '' : raw ? '' : isText ? (reply.body as string) : JSON.stringify(reply.body);
    const headers: Record<string, string> = { ...(reply.headers ?? {}) };
    if (!isText && reply.body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
      headers['content-type'] = 'application/json; charset=utf-8';
    const bytes = raw ?? Buffer.from(text, 'utf8');
    headers['content-length'] = String(bytes.length);
    res.writeHead(reply.status ?? 200, headers);
    if (truncate) {
      res.write(bytes.subarray(0, Math.floor(bytes.length / 2)));
      res.socket?.destroy();
    } else res.end(bytes);
    return text;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://twin.local');
    const rawBody = await readBody(req);
    const headers = flatHeaders(req);
    const query: Record<string, string> = Object.fromEntries(url.searchParams);
    let json: unknown;
    const type = headers['content-type'] ?? '';
    if (rawBody && type.includes('application/x-www-form-urlencoded'))
      Object.assign(query, Object.fromEntries(new URLSearchParams(rawBody)));
    else if (rawBody && type.includes('json')) {
      try {
        json = JSON.parse(rawBody);
        if (json && typeof json === 'object' && !Array.isArray(json)) {
          for (const [k, v] of Object.entries(json)) if (typeof v !== 'object') query[k] = String(v);
        }
      } catch {
        json = undefined;
      }
    }
    const method = (req.method ?? 'GET').toUpperCase();
    let match: { route: TwinRoute; params: Record<string, string> } | undefined;
    for (const c of compiled) {
      if (
        c.route.method !== method &&
        !(c.route.method === 'GET' && method === 'POST' && c.route.pattern.startsWith('/api/'))
      )
        continue;
      const m = c.regex.exec(url.pathname);
      if (!m) continue;
      const params: Record<string, string> = {};
      c.keys.forEach((k, i) => (params[k] = decodeURIComponent(m[i + 1]!)));
      match = { route: c.route, params };
      break;
    }
    const twinReq: TwinRequest = {
      method,
      path: url.pathname,
      params: match?.params ?? {},
      query,
      headers,
      rawBody,
      ...(json !== undefined ? { json } : {}),
    };
    const name = match?.route.name ?? `${method} ${url.pathname}`;
    counts[name] = (counts[name] ?? 0) + 1;
    if (latency > 0) await sleep(latency);

    const fault = faults.pick(name);
    if (fault?.kind === 'hang') return;
    if (fault?.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    let reply: TwinResponse;
    if (fault?.kind === 'status') {
      reply = {
        status: fault.spec.status ?? 500,
        headers: fault.spec.headers ?? {},
        body: fault.spec.body ?? { message: 'injected fault' },
      };
    } else if (!match) {
      reply = { status: 404, body: { message: 'Not Found' } };
    } else {
      reply = (await options.before?.(twinReq, match.route)) ?? (await match.route.handler(twinReq));
    }
    options.decorate?.(twinReq, match?.route, reply);
    send(res, reply, fault?.kind === 'truncate');
    if (options.record !== false)
      exchanges.push({
        route: name,
        method,
        path: url.pathname,
        query,
        status: reply.status ?? 200,
        headers: reply.headers ?? {},
        body: reply.body,
      });
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent)
        send(res, { status: 500, body: { message: `twin crashed: ${(err as Error)?.message ?? err}` } });
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    faults,
    exchanges,
    counts: () => ({ ...counts }),
    total: () => Object.values(counts).reduce((a, b) => a + b, 0),
    resetCounts: () => {
      counts = {};
      exchanges.length = 0;
    },
    setLatency: (ms) => {
      latency = ms;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
