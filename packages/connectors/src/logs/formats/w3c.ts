import { dash, toInt, type LineParser, type ParsedRequest } from './types.js';

/**
 * W3C extended log format (IIS): `#Fields:` names the space-separated columns; spaces inside values are written
 * as `+`. Dates and times are UTC. https://www.w3.org/TR/WD-logfile.html
 */
export const w3cParser: LineParser = {
  format: 'w3c',
  parse(line, state) {
    if (line.startsWith('#')) {
      const m = /^#Fields:\s*(.*)$/.exec(line);
      if (m) state.fields = m[1]!.trim().split(/\s+/);
      return 'directive';
    }
    const fields = state.fields;
    if (!fields) return undefined;
    const values = line.trim().split(/\s+/);
    if (values.length !== fields.length) return undefined;
    const get = (name: string): string | undefined => {
      const i = fields.indexOf(name);
      return i < 0 ? undefined : dash(values[i]);
    };
    const method = get('cs-method');
    const stem = get('cs-uri-stem');
    if (!method || !stem || !/^[A-Za-z-]+$/.test(method)) return undefined;
    const query = get('cs-uri-query');
    const out: ParsedRequest = { method: method.toUpperCase(), path: query ? `${stem}?${query}` : stem };
    const date = get('date');
    const time = get('time');
    if (date && time && /^\d{4}-\d{2}-\d{2}$/.test(date) && /^\d{2}:\d{2}:\d{2}(\.\d+)?$/.test(time))
      out.time = `${date}T${time}Z`;
    const status = toInt(get('sc-status'));
    if (status !== undefined) out.status = status;
    const bytes = toInt(get('sc-bytes'));
    if (bytes !== undefined) out.bytes = bytes;
    const taken = toInt(get('time-taken'));
    if (taken !== undefined) out.latencyMs = taken;
    const client = get('c-ip');
    if (client) out.client = client;
    const ua = get('cs(User-Agent)');
    if (ua) out.userAgent = ua.replace(/\+/g, ' ');
    const referer = get('cs(Referer)');
    if (referer) out.referer = referer;
    const user = get('cs-username');
    if (user) out.user = user;
    const host = get('cs-host') ?? get('s-sitename');
    if (host) out.host = host;
    return out;
  },
};
