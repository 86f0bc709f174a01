import type { Page } from '@tributary/sdk';
import {
  CALENDAR_CHECKPOINT,
  CalendarCursorSchema,
  cursorKey,
  eventPrefix,
  EventRecordSchema,
  type GoogleCalendarCheckpoint,
} from './checkpoint.js';
import type { CalendarRun } from './read.js';

const CURSOR_PREFIX = 'c:';

/**
 * Calendars read before that are no longer selected (taken out by include/exclude, deleted, or unsubscribed): every
 * event record of theirs becomes a tombstone, their push channel is stopped, and their cursor goes last — so a crash
 * in between leaves the cursor, and the next sync finishes the job. Connector state is the list of what was read.
 */
export async function* forgetCalendars(
  run: CalendarRun,
  selected: Set<string>,
): AsyncGenerator<Page<GoogleCalendarCheckpoint>> {
  if (!run.stateReady) return;
  const gone: string[] = [];
  for await (const [key] of run.ctx.state.list(CURSOR_PREFIX)) {
    const id = key.slice(CURSOR_PREFIX.length);
    if (!selected.has(id)) gone.push(id);
  }
  for (const calendarId of gone) {
    if (run.ctx.signal.aborted) return;
    let deletes: string[] = [];
    let keys: string[] = [];
    for await (const [key, value] of run.ctx.state.list(eventPrefix(calendarId))) {
      keys.push(key);
      const r = EventRecordSchema.safeParse(value);
      if (r.success) deletes.push(r.data.x);
      if (keys.length >= 500) {
        yield { items: [], deletes, state: { delete: keys }, checkpoint: CALENDAR_CHECKPOINT };
        deletes = [];
        keys = [];
      }
    }
    const cursor = CalendarCursorSchema.safeParse(await run.ctx.state.get(cursorKey(calendarId)));
    const channel = cursor.success ? cursor.data.channel : undefined;
    // A deleted calendar's channel is already dead upstream: stopping it is best effort.
    if (channel) await run.client.stop(channel.id, channel.resourceId).catch(() => undefined);
    run.ctx.logger.info('Google Calendar calendar no longer selected: its events are removed', {
      calendar: calendarId,
      events: deletes.length,
    });
    run.done += deletes.length;
    yield {
      items: [],
      deletes,
      state: { delete: [...keys, cursorKey(calendarId)] },
      checkpoint: CALENDAR_CHECKPOINT,
    };
  }
}
