import { clfTimeToIso, dash, splitRequestLine, toInt, type LineParser, type ParsedRequest } from './types.js';

/**
 * Apache/nginx common and combined formats, with an optional leading vhost (`vhost_combined`). The request is
 * matched lazily up to `" <status> <bytes>` so targets containing quotes (attack probes do) still parse; a cut-off
 * user agent (no closing quote) is accepted.
 */
const CLF =
  /^(?:(\S+)\s+)?(\S+)\s+(\S+)\s+(\S+)\s+\[([^\]]+)\]\s+"(.*?)"\s+(\d{3}|-)\s+(\d+|-)(?:\s+"((?:[^"\\]|\\.)*)"(?:\s+"((?:[^"\\]|\\.)*)"?)?)?(.*)$/;

export const combinedParser: LineParser = {
  format: 'combined',
  parse(line) {
    const m = CLF.exec(line);
    if (!m) return undefined;
    const time = clfTimeToIso(m[5]!);
    const request = splitRequestLine(m[6]!);
    if (!time || !request) return undefined;
    const out: ParsedRequest = { time, ...request };
    const status = toInt(m[7]);
    if (status !== undefined) out.status = status;
    const bytes = toInt(m[8]);
    if (bytes !== undefined) out.bytes = bytes;
    out.client = m[2]!;
    const user = dash(m[4]);
    if (user) out.user = user;
    const vhost = dash(m[1]);
    if (vhost) out.host = vhost;
    const referer = dash(m[9]);
    if (referer) out.referer = referer;
    const ua = dash(m[10]);
    if (ua) out.userAgent = ua;
    // nginx setups often append $request_time (seconds, with a decimal point) after the user agent.
    const tail = /^\s+(\d+\.\d+)\s*$/.exec(m[11] ?? '');
    if (tail) out.latencyMs = Math.round(Number(tail[1]) * 1000);
    return out;
  },
};

/** Jira and Confluence (Tomcat AccessLogValve as Atlassian configures it): `[time] user thread ip METHOD path PROTO status 12ms bytes referer ua`. */
const ATLASSIAN =
  /^\[([^\]]+)\]\s+(\S+)\s+(\S+)\s+(\S+)\s+([A-Z]+)\s+(\S+)\s+(HTTP\/[\d.]+)\s+(\d{3})\s+(\d+)ms\s+(\d+|-)\s+(\S+)\s*(.*)$/;

export const atlassianParser: LineParser = {
  format: 'atlassian',
  parse(line) {
    const m = ATLASSIAN.exec(line);
    if (!m) return undefined;
    const time = clfTimeToIso(m[1]!);
    if (!time) return undefined;
    const out: ParsedRequest = {
      time,
      method: m[5]!,
      path: m[6]!,
      protocol: m[7]!,
      status: Number(m[8]),
      latencyMs: Number(m[9]),
      client: m[4]!,
    };
    const user = dash(m[2]);
    if (user) out.user = user;
    const bytes = toInt(m[10]);
    if (bytes !== undefined) out.bytes = bytes;
    const referer = dash(m[11]);
    if (referer) out.referer = referer;
    const ua = dash(m[12]);
    if (ua) out.userAgent = ua;
    return out;
  },
};
