/** Time-zone arithmetic for JQL dates, which Jira reads in the user's time zone at minute resolution. */

// Building an Intl.DateTimeFormat costs far more than using one: one per time zone.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterOf(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** The offset of `tz` from UTC at instant `ms`, in milliseconds (Berlin in winter: +3,600,000). */
export function tzOffsetMs(ms: number, tz: string): number {
  const parts = Object.fromEntries(
    formatterOf(tz)
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(+parts.year!, +parts.month! - 1, +parts.day!, +parts.hour!, +parts.minute!, +parts.second!);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** A JQL date (`yyyy/MM/dd HH:mm` or `yyyy-MM-dd HH:mm`) in `tz`, as UTC milliseconds; undefined when malformed. */
export function parseJqlDate(s: string, tz: string): number | undefined {
  const m = /^(\d{4})[/-](\d{2})[/-](\d{2})(?: (\d{2}):(\d{2}))?$/.exec(s.trim());
  if (!m) return undefined;
  const local = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0));
  const first = local - tzOffsetMs(local, tz);
  return local - tzOffsetMs(first, tz);
}

/** Jira's timestamp format: `2026-01-01T11:00:00.000+0100`, in `tz`. */
export function jiraTime(ms: number, tz: string): string {
  const off = tzOffsetMs(ms, tz);
  const local = new Date(ms + off).toISOString().slice(0, 23);
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off) / 60_000;
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
}
