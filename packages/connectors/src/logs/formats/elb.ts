import { dash, splitRequestLine, toInt, type LineParser, type ParsedRequest } from './types.js';

/** Splits on spaces, keeping double-quoted fields whole (quotes removed). */
export function splitQuoted(line: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line)) !== null) out.push(m[1] ?? m[2] ?? '');
  return out;
}

const ALB_TYPES = new Set(['http', 'https', 'h2', 'grpcs', 'ws', 'wss']);
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** Absolute URLs in ELB request lines (`https://host:443/path`) → host and path. */
function splitUrl(target: string): { host?: string; path: string } {
  const m = /^[a-z]+:\/\/([^/]+)(\/.*)?$/i.exec(target);
  if (!m) return { path: target };
  return { host: m[1]!, path: m[2] ?? '/' };
}

/** Seconds as ELB logs them (-1 when the request never reached a target) → summed milliseconds. */
function latency(values: string[]): number | undefined {
  const nums = values.map(Number);
  if (nums.some((n) => !Number.isFinite(n) || n < 0)) return undefined;
  return Math.round(nums.reduce((a, b) => a + b, 0) * 1000);
}

/**
 * AWS load balancer access logs: Application LB (first field is the type: http, https, h2 …) and Classic ELB (first
 * field is the timestamp). Field order per
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-access-logs.html
 */
export const elbParser: LineParser = {
  format: 'elb',
  parse(line) {
    const f = splitQuoted(line);
    // Network LB TLS connection records (`tls 2.0 <time> net/…`) carry no HTTP request: valid, not an error.
    if (f[0] === 'tls' && /^net\//.test(f[3] ?? '')) return 'directive';
    const base = ALB_TYPES.has(f[0] ?? '') ? 1 : 0;
    if (f.length < base + 13 || !ISO.test(f[base] ?? '')) return undefined;
    // Classic ELB TCP listeners log `"- - - "` for the request: a connection, not an HTTP request.
    if (/^-\s+-\s+-\s*$/.test(f[base + 11]!)) return 'directive';
    const request = splitRequestLine(f[base + 11]!);
    if (!request) return undefined;
    const { host, path } = splitUrl(request.path);
    const out: ParsedRequest = { time: f[base]!, method: request.method, path };
    if (request.protocol) out.protocol = request.protocol;
    if (host) out.host = host;
    const status = toInt(f[base + 7]);
    if (status !== undefined) out.status = status;
    const bytes = toInt(f[base + 10]);
    if (bytes !== undefined) out.bytes = bytes;
    const ms = latency(f.slice(base + 4, base + 7));
    if (ms !== undefined) out.latencyMs = ms;
    const client = f[base + 2]!.replace(/:\d+$/, '');
    if (client) out.client = client;
    const ua = dash(f[base + 12]);
    if (ua) out.userAgent = ua;
    return out;
  },
};
