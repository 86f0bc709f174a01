import { calendar, type calendar_v3 } from '@googleapis/calendar';
import type { ConnectorContext } from '@tributary/sdk';
import { GoogleCaller } from '../lib/google/caller.js';
import type { GoogleCalendarConfig } from './config.js';

export type GoogleEvent = calendar_v3.Schema$Event;
export type CalendarEntry = calendar_v3.Schema$CalendarListEntry;

/** A thin typed client over `@googleapis/calendar` (per-user request rate: cost 1 per call). */
export class CalendarClient {
  readonly caller: GoogleCaller;
  private readonly api: calendar_v3.Calendar;

  constructor(ctx: ConnectorContext<GoogleCalendarConfig>) {
    this.caller = new GoogleCaller(ctx, 'Google Calendar');
    const root = ctx.config.rootUrl.endsWith('/') ? ctx.config.rootUrl : `${ctx.config.rootUrl}/`;
    this.api = calendar({ version: 'v3', rootUrl: root });
  }

  /** Every calendar in the user's list (all pages). */
  async calendars(): Promise<CalendarEntry[]> {
    const out: CalendarEntry[] = [];
    let pageToken: string | undefined;
    do {
      const res = await this.caller.call('calendarList.list', 1, (o) =>
        this.api.calendarList.list({ maxResults: 250, ...(pageToken ? { pageToken } : {}) }, o),
      );
      out.push(...(res.items ?? []));
      pageToken = res.nextPageToken ?? undefined;
    } while (pageToken);
    return out;
  }

  /**
   * One events.list page, instances expanded (`singleEvents`): a full listing of a window, or the changes since a
   * sync token (cancelled events included).
   */
  events(
    calendarId: string,
    q: { syncToken?: string; pageToken?: string; timeMin?: string; timeMax?: string; maxResults: number },
  ): Promise<calendar_v3.Schema$Events> {
    return this.caller.call('events.list', 1, (o) =>
      this.api.events.list(
        {
          calendarId,
          singleEvents: true,
          maxResults: q.maxResults,
          ...(q.syncToken ? { syncToken: q.syncToken, showDeleted: true } : {}),
          ...(q.pageToken ? { pageToken: q.pageToken } : {}),
          ...(q.timeMin && !q.syncToken ? { timeMin: q.timeMin } : {}),
          ...(q.timeMax && !q.syncToken ? { timeMax: q.timeMax } : {}),
        },
        o,
      ),
    );
  }

  watch(
    calendarId: string,
    channel: { id: string; address: string; token: string },
  ): Promise<calendar_v3.Schema$Channel> {
    return this.caller.call('events.watch', 1, (o) =>
      this.api.events.watch({ calendarId, requestBody: { ...channel, type: 'web_hook' } }, o),
    );
  }

  async stop(id: string, resourceId: string): Promise<void> {
    await this.caller.call('channels.stop', 1, (o) => this.api.channels.stop({ requestBody: { id, resourceId } }, o));
  }
}
