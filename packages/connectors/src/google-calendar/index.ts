import { defineConnector, isTributaryError } from '@tributary/sdk';
import { CalendarClient } from './client.js';
import { googleCalendarManifest } from './manifest.js';
import { readCalendar, selectedCalendars, type CalendarRun } from './read.js';
import { handleCalendarPush } from './webhook.js';
import { calendarOnRemove, calendarPushRenewAt } from './lifecycle.js';
import { forgetCalendars } from './removed.js';

export { CALENDAR_SCOPES } from './manifest.js';

/**
 * Google Calendar through the official client (`@googleapis/calendar`): every calendar of the user's list
 * (include/exclude), events expanded to occurrences inside a moving window, incremental with sync tokens,
 * cancellations as tombstones, push through `events.watch` channels. Events map through the ICS connector's own
 * mapping, so the same event reads the same either way.
 */
export const googleCalendarConnector = defineConnector({
  manifest: googleCalendarManifest,

  async check(ctx) {
    try {
      const calendars = selectedCalendars(await new CalendarClient(ctx).calendars(), ctx.config);
      return { ok: true, message: `${calendars.length} calendar${calendars.length === 1 ? '' : 's'} to read` };
    } catch (err) {
      return {
        ok: false,
        message: isTributaryError(err) ? `${err.code}: ${err.message}` : String((err as Error)?.message ?? err),
      };
    }
  },

  async discover(ctx) {
    const all = await new CalendarClient(ctx).calendars();
    return all
      .filter((c) => c.id)
      .map((c) => ({
        id: c.id!,
        name: c.summaryOverride ?? c.summary ?? c.id!,
        kind: 'calendar',
        metadata: { primary: c.primary === true, accessRole: c.accessRole },
      }));
  },

  async *read(ctx) {
    if (ctx.signal.aborted) return;
    const client = new CalendarClient(ctx);
    const run: CalendarRun = { ctx, client, stateReady: ctx.checkpoint !== undefined, done: 0 };
    const calendars = selectedCalendars(await client.calendars(), ctx.config).sort((a, b) =>
      a.id!.localeCompare(b.id!),
    );
    for (const cal of calendars) {
      if (ctx.signal.aborted) return;
      yield* readCalendar(run, cal);
    }
    if (!ctx.signal.aborted) yield* forgetCalendars(run, new Set(calendars.map((c) => c.id!)));
  },

  async webhook(ctx, request) {
    return handleCalendarPush(ctx.config, request, ctx.clock.now());
  },

  pushRenewAt: calendarPushRenewAt,
  onRemove: calendarOnRemove,
});

export default googleCalendarConnector;
