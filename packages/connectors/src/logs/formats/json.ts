import type { LineParser, ParsedRequest } from './types.js';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);
const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v !== '' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined;
const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v)
    ? v
    : typeof v === 'string' && /^\d+(\.\d+)?$/.test(v)
      ? Number(v)
      : undefined;

function isoFrom(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) {
    // Caddy logs `ts` as Unix seconds (float); some loggers use milliseconds.
    const ms = v > 1e12 ? v : v * 1000;
    const d = new Date(ms);
    return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
  }
  if (typeof v === 'string') {
    const d = new Date(v);
    return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
  }
  return undefined;
}

function header(headers: Obj | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : str(headers[key]);
}

function assign(out: ParsedRequest, values: Partial<ParsedRequest>): ParsedRequest {
  for (const [k, v] of Object.entries(values)) if (v !== undefined) (out as unknown as Obj)[k] = v;
  return out;
}

/**
 * JSON lines: Caddy's access log (`request.method`, `request.uri`, `status`, `duration` in seconds, `ts`), Google
 * Cloud's `httpRequest` (load balancer logs), and flat objects with `method`/`path`|`uri`|`url`/`status`.
 */
export const jsonParser: LineParser = {
  format: 'json',
  parse(line) {
    if (!line.startsWith('{')) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return undefined;
    }
    const root = obj(value);
    if (!root) return undefined;
    const caddy = obj(root.request);
    if (caddy && str(caddy.method) && str(caddy.uri)) {
      const headers = obj(caddy.headers);
      const duration = num(root.duration);
      return assign(
        { method: str(caddy.method)!.toUpperCase(), path: str(caddy.uri)! },
        {
          time: isoFrom(root.ts),
          protocol: str(caddy.proto),
          status: num(root.status),
          bytes: num(root.size),
          latencyMs: duration === undefined ? undefined : Math.round(duration * 1000 * 1000) / 1000,
          client: str(caddy.client_ip) ?? str(caddy.remote_ip),
          userAgent: header(headers, 'User-Agent'),
          referer: header(headers, 'Referer'),
          host: str(caddy.host),
          user: str(root.user_id),
        },
      );
    }
    const gcp = obj(root.httpRequest);
    if (gcp && str(gcp.requestMethod) && str(gcp.requestUrl)) {
      const url = str(gcp.requestUrl)!;
      const m = /^[a-z]+:\/\/([^/]+)(\/.*)?$/i.exec(url);
      const latency = /^(\d+(?:\.\d+)?)s$/.exec(str(gcp.latency) ?? '');
      return assign(
        { method: str(gcp.requestMethod)!.toUpperCase(), path: m ? (m[2] ?? '/') : url },
        {
          time: isoFrom(root.timestamp),
          host: m?.[1],
          protocol: str(gcp.protocol),
          status: num(gcp.status),
          bytes: num(gcp.responseSize),
          latencyMs: latency ? Math.round(Number(latency[1]) * 1000) : undefined,
          client: str(gcp.remoteIp),
          userAgent: str(gcp.userAgent),
          referer: str(gcp.referer),
        },
      );
    }
    const method = str(root.method);
    const path = str(root.path) ?? str(root.uri) ?? str(root.url);
    const status = num(root.status) ?? num(root.status_code);
    if (!method || !path || status === undefined) return undefined;
    return assign(
      { method: method.toUpperCase(), path },
      {
        time: isoFrom(root.time ?? root.timestamp ?? root.ts),
        status,
        bytes: num(root.bytes) ?? num(root.size),
        latencyMs: num(root.duration_ms) ?? num(root.latency_ms),
        client: str(root.remote_ip) ?? str(root.client_ip) ?? str(root.ip),
        userAgent: str(root.user_agent) ?? str(root.userAgent),
        referer: str(root.referer),
      },
    );
  },
};
