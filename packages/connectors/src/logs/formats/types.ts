/** One HTTP request as read from an access log line, whatever the format. */
export interface ParsedRequest {
  /** ISO 8601 timestamp of the request, when the line carries one. */
  time?: string;
  method: string;
  /** Request target as logged: path plus query (absolute URLs in ELB logs are reduced to path + query). */
  path: string;
  protocol?: string;
  status?: number;
  bytes?: number;
  /** Total time to serve the request, in milliseconds, when the format logs it. */
  latencyMs?: number;
  client?: string;
  userAgent?: string;
  referer?: string;
  user?: string;
  host?: string;
}

/** The formats the connector reads; `auto` picks one per file from its first lines. */
export const LOG_FORMATS = ['combined', 'json', 'elb', 'w3c', 'atlassian'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/**
 * A line parser. W3C logs are stateful (a `#Fields:` directive names the columns), so parsers get and may update a
 * small state that the checkpoint keeps per file.
 */
export interface LineParser {
  format: LogFormat;
  /**
   * @returns the request, `'directive'` for a line that is valid but not a request (a W3C header, an ELB TCP connection record), or undefined for a line
   *   this format does not recognise (counted as malformed).
   */
  parse(line: string, state: ParserState): ParsedRequest | 'directive' | undefined;
}

export interface ParserState {
  /** W3C `#Fields:` column names in force. */
  fields?: string[];
}

const MONTHS: Record<string, string> = {
  Jan: '01',
  Feb: '02',
  Mar: '03',
  Apr: '04',
  May: '05',
  Jun: '06',
  Jul: '07',
  Aug: '08',
  Sep: '09',
  Oct: '10',
  Nov: '11',
  Dec: '12',
};

/** `13/Jan/2016:19:31:16 +0000` (Apache/nginx `%t`) → `2016-01-13T19:31:16+00:00`. */
export function clfTimeToIso(value: string): string | undefined {
  const m = /^(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?\s*([+-])(\d{2}):?(\d{2})$/.exec(
    value.trim(),
  );
  if (!m) return undefined;
  const month = MONTHS[m[2]!];
  if (!month) return undefined;
  return `${m[3]}-${month}-${m[1]}T${m[4]}:${m[5]}:${m[6]}${m[7]}${m[8]}:${m[9]}`;
}

/** Splits a request line `GET /x?y HTTP/1.1` into its parts (the target may contain spaces and quotes). */
export function splitRequestLine(request: string): { method: string; path: string; protocol?: string } | undefined {
  const m = /^([A-Za-z][A-Za-z-]{0,19})\s+(.+?)(?:\s+(HTTP\/[\d.]+))?$/.exec(request.trim());
  if (!m) return undefined;
  return { method: m[1]!.toUpperCase(), path: m[2]!, ...(m[3] ? { protocol: m[3] } : {}) };
}

/** `-` and empty mean "not logged" in every text format. */
export function dash(value: string | undefined): string | undefined {
  return value === undefined || value === '-' || value === '' ? undefined : value;
}

export function toInt(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}
