import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { TributaryError, errorForStatus, type HttpClient } from '@tributary/sdk';

/** Largest calendar read (a decade of a busy calendar is a few megabytes). */
export const MAX_ICS_BYTES = 50 * 1024 * 1024;

/** The calendar's text and a name for messages (the file name, or the url without its secret path). */
export interface CalendarSource {
  text: string;
  label: string;
}

/** A url safe to show: scheme and host only (calendar urls carry their secret in the path). */
export function safeLabel(url: string): string {
  try {
    const u = new URL(url.replace(/^webcal:/i, 'https:'));
    return `${u.protocol}//${u.host}/…`;
  } catch {
    return 'the calendar url';
  }
}

/**
 * Reads the calendar from `path` or GETs it from `url` (webcal:// is fetched as https://).
 * @throws TributaryError `invalid_config` for a missing file; HTTP failures mapped from their status
 */
export async function loadCalendar(
  config: { path?: string | undefined; url?: string | undefined },
  http: HttpClient,
): Promise<CalendarSource> {
  if (config.path) {
    const info = await stat(config.path).catch(() => undefined);
    if (!info?.isFile())
      throw new TributaryError(
        'invalid_config',
        `Calendar file "${config.path}" does not exist: set config.path to an .ics file`,
      );
    if (info.size > MAX_ICS_BYTES)
      throw new TributaryError('invalid_config', `Calendar file "${config.path}" is over ${MAX_ICS_BYTES} bytes`);
    return { text: await readFile(config.path, 'utf8'), label: path.basename(config.path) };
  }
  const url = config.url!.replace(/^webcal:/i, 'https:');
  const label = safeLabel(url);
  const res = await http.fetch(url, { headers: { accept: 'text/calendar, */*;q=0.5' } });
  if (!res.ok) {
    await res.body?.cancel().catch(() => undefined);
    throw errorForStatus(
      res.status,
      `GET ${label} → HTTP ${res.status}. Check the calendar address (a reset secret address stops working).`,
    );
  }
  return { text: await res.text(), label };
}
