import type { Item } from '@tributary/sdk';
import type { LogFormat, ParsedRequest } from './formats/index.js';

const MAX_CONTENT = 8 * 1024;

/**
 * A request path reduced to its route: query dropped, ids (numbers, UUIDs, long hex, long opaque tokens) replaced
 * by `:id`, so `/users/42/orders/9f3a…` and `/users/7/orders/1b2c…` group together.
 * @example toPathTemplate('/api/users/42?x=1') // '/api/users/:id'
 */
export function toPathTemplate(target: string): string {
  const path = target.split(/[?#]/, 1)[0] || '/';
  return path
    .split('/')
    .map((seg) => {
      if (seg === '') return seg;
      if (/^\d+$/.test(seg)) return ':id';
      if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(seg)) return ':id';
      if (/^[0-9a-f]{12,}$/i.test(seg)) return ':id';
      if (seg.length >= 20 && /^[A-Za-z0-9_-]+$/.test(seg) && /\d/.test(seg) && /[A-Za-z]/.test(seg)) return ':id';
      return seg;
    })
    .join('/');
}

/** One request → one item of the `requests` stream. */
export function toRequestItem(
  req: ParsedRequest,
  line: string,
  ctx: { externalId: string; container: string; format: LogFormat; fileId: string },
): Item {
  const status = req.status === undefined ? '' : ` → ${req.status}`;
  const metadata: Record<string, unknown> = {
    format: ctx.format,
    fileId: ctx.fileId,
    method: req.method,
    path: req.path,
    pathTemplate: toPathTemplate(req.path),
  };
  for (const key of [
    'status',
    'latencyMs',
    'bytes',
    'client',
    'userAgent',
    'referer',
    'user',
    'host',
    'protocol',
  ] as const) {
    if (req[key] !== undefined) metadata[key] = req[key];
  }
  return {
    externalId: ctx.externalId,
    stream: 'requests',
    content: line.length > MAX_CONTENT ? line.slice(0, MAX_CONTENT) : line,
    contentType: 'text',
    title: `${req.method} ${req.path}${status}`.slice(0, 2000),
    ...(req.time ? { occurredAt: req.time } : {}),
    ...(req.user ? { author: req.user } : {}),
    container: ctx.container,
    metadata,
  };
}

/** Running totals of one method + path template in one window. */
export interface WindowGroup {
  method: string;
  template: string;
  count: number;
  statuses: Record<string, number>;
  latencySum: number;
  latencyCount: number;
  latencyMax: number;
  bytes: number;
  clients: Set<string>;
}

export function addToGroup(groups: Map<string, WindowGroup>, req: ParsedRequest): void {
  const template = toPathTemplate(req.path);
  const key = `${req.method} ${template}`;
  let g = groups.get(key);
  if (!g)
    groups.set(
      key,
      (g = {
        method: req.method,
        template,
        count: 0,
        statuses: {},
        latencySum: 0,
        latencyCount: 0,
        latencyMax: 0,
        bytes: 0,
        clients: new Set(),
      }),
    );
  g.count++;
  const cls = req.status === undefined ? 'unknown' : `${Math.floor(req.status / 100)}xx`;
  g.statuses[cls] = (g.statuses[cls] ?? 0) + 1;
  if (req.latencyMs !== undefined) {
    g.latencySum += req.latencyMs;
    g.latencyCount++;
    g.latencyMax = Math.max(g.latencyMax, req.latencyMs);
  }
  g.bytes += req.bytes ?? 0;
  // a bounded set: the distinct-client count is exact up to 10k, then a floor
  if (req.client && g.clients.size < 10_000) g.clients.add(req.client);
}

/** One method + path template in one time window → one item of the `windows` stream. */
export function toWindowItem(
  g: WindowGroup,
  windowStart: number,
  windowMs: number,
  ctx: { fileId: string; container: string },
): Item {
  const start = new Date(windowStart).toISOString();
  const end = new Date(windowStart + windowMs).toISOString();
  const avg = g.latencyCount ? Math.round((g.latencySum / g.latencyCount) * 100) / 100 : undefined;
  const statuses = Object.entries(g.statuses)
    .sort()
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');
  const lines = [
    `${g.count} × ${g.method} ${g.template} between ${start} and ${end}`,
    `statuses: ${statuses}`,
    ...(avg !== undefined ? [`latency: avg ${avg} ms, max ${g.latencyMax} ms`] : []),
    `distinct clients: ${g.clients.size}, bytes: ${g.bytes}`,
  ];
  return {
    externalId: `${ctx.fileId}:w${windowStart}:${g.method} ${g.template}`.slice(0, 1024),
    stream: 'windows',
    content: lines.join('\n'),
    contentType: 'text',
    title: `${g.method} ${g.template} ×${g.count} (${start})`.slice(0, 2000),
    occurredAt: start,
    container: ctx.container,
    metadata: {
      method: g.method,
      pathTemplate: g.template,
      windowStart: start,
      windowEnd: end,
      count: g.count,
      statuses: g.statuses,
      ...(avg !== undefined ? { latencyAvgMs: avg, latencyMaxMs: g.latencyMax } : {}),
      clients: g.clients.size,
      bytes: g.bytes,
    },
  };
}
