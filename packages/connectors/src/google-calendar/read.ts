import { randomUUID } from 'node:crypto';
import { isTributaryError, type Item, type Page, type ReadContext } from '@tributary/sdk';
import {
  CALENDAR_CHECKPOINT,
  CalendarCursorSchema,
  cursorKey,
  eventKey,
  eventPrefix,
  EventRecordSchema,
  type CalendarCursor,
  type EventRecord,
  type GoogleCalendarCheckpoint,
} from './checkpoint.js';
import type { CalendarClient, CalendarEntry, GoogleEvent } from './client.js';
import type { GoogleCalendarConfig } from './config.js';
import { toCalendarItem } from './map.js';

type Ctx = ReadContext<GoogleCalendarConfig, GoogleCalendarCheckpoint>;
type CalPage = Page<GoogleCalendarCheckpoint>;
const DAY = 86_400_000;

/** Shared per-read state. */
export interface CalendarRun {
  ctx: Ctx;
  client: CalendarClient;
  /** Whether `ctx.state` holds this run's records (see the Slack connector: not before a first commit). */
  stateReady: boolean;
  done: number;
}

/** Calendars to read: the list filtered by the config's include/exclude (ids, names, or `primary`). */
export function selectedCalendars(all: CalendarEntry[], config: GoogleCalendarConfig): CalendarEntry[] {
  const names = new Set(config.calendars.list.map((s) => s.toLowerCase()));
  const named = (c: CalendarEntry): boolean =>
    names.has((c.id ?? '').toLowerCase()) ||
    names.has((c.summary ?? '').toLowerCase()) ||
    (c.primary === true && names.has('primary'));
  return all.filter((c) => {
    if (!c.id || c.deleted) return false;
    if (config.calendars.mode === 'include') return named(c);
    if (config.calendars.mode === 'exclude') return !named(c);
    return true;
  });
}

async function cursorOf(run: CalendarRun, calendarId: string): Promise<CalendarCursor | undefined> {
  if (!run.stateReady) return undefined;
  const parsed = CalendarCursorSchema.safeParse(await run.ctx.state.get(cursorKey(calendarId)));
  return parsed.success ? parsed.data : undefined;
}

/** Maps a page of events: items, the state records they write, and tombstones of cancelled ones. */
async function mapEvents(run: CalendarRun, cal: CalendarEntry, events: GoogleEvent[], gen: number) {
  const calendarId = cal.id!;
  const items = new Map<string, Item>();
  const set: Record<string, EventRecord> = {};
  const cancelled = events.filter((e) => e.status === 'cancelled' && e.id).map((e) => eventKey(calendarId, e.id!));
  const known =
    run.stateReady && cancelled.length ? await run.ctx.state.getMany(cancelled) : new Map<string, unknown>();
  const deletes: string[] = [];
  for (const [, v] of known) {
    const r = EventRecordSchema.safeParse(v);
    if (r.success) deletes.push(r.data.x);
  }
  for (const e of events) {
    if (e.status === 'cancelled' || !e.id) continue;
    const item = toCalendarItem(e, cal.summaryOverride ?? cal.summary ?? calendarId);
    if (!item) continue;
    items.set(item.externalId, item);
    set[eventKey(calendarId, e.id)] = { x: item.externalId, g: gen };
  }
  return { items: [...items.values()], set, deletes, deleteKeys: [...known.keys()] };
}

/** Opens (or renews) the calendar's `events.watch` channel when push is on and it expires soon. */
async function renewChannel(run: CalendarRun, calendarId: string, cur: CalendarCursor): Promise<CalendarCursor> {
  const push = run.ctx.config.push;
  if (!push) return cur;
  const now = run.ctx.clock.now();
  if (cur.channel && cur.channel.expires - now > push.renewBeforeHours * 3_600_000) return cur;
  try {
    const ch = await run.client.watch(calendarId, {
      id: `tributary-${randomUUID()}`,
      address: push.address,
      token: push.token,
    });
    if (cur.channel) await run.client.stop(cur.channel.id, cur.channel.resourceId).catch(() => undefined);
    return {
      ...cur,
      channel: { id: ch.id!, resourceId: ch.resourceId!, expires: Number(ch.expiration ?? now + 7 * DAY) },
    };
  } catch (err) {
    run.ctx.logger.warn('Google Calendar events.watch failed; push stays off until the next sync', {
      calendar: calendarId,
      error: (err as Error).message,
    });
    return cur;
  }
}

/**
 * Reads one calendar from its cursor: a full listing of the window (first sync, an expired sync token, or a window
 * that needs to move on), else the changes since the sync token. One page per events.list page. After a re-listing,
 * records of older generations are swept as tombstones.
 */
export async function* readCalendar(run: CalendarRun, cal: CalendarEntry): AsyncGenerator<CalPage> {
  const { ctx, client } = run;
  const calendarId = cal.id!;
  const now = ctx.clock.now();
  const future = ctx.config.windowFutureDays * DAY;
  let cur = await cursorOf(run, calendarId);
  const relist = (prev: CalendarCursor | undefined): CalendarCursor => ({
    gen: (prev?.gen ?? 0) + 1,
    listing: true,
    windowEnd: now + future,
    ...(prev?.channel ? { channel: prev.channel } : {}),
  });
  if (!cur) cur = relist(undefined);
  // The window of expanded occurrences moves on: once half of its future is used up, list again (and sweep).
  else if (cur.syncToken && !cur.listing && cur.windowEnd !== undefined && cur.windowEnd - now < future / 2)
    cur = relist(cur);
  cur = await renewChannel(run, calendarId, cur);
  for (;;) {
    if (ctx.signal.aborted) return;
    if (cur.sweep) {
      yield* sweep(run, calendarId, cur);
      return;
    }
    let res;
    try {
      res = await client.events(calendarId, {
        maxResults: ctx.config.pageSize,
        ...(cur.pageToken ? { pageToken: cur.pageToken } : {}),
        ...(cur.listing
          ? {
              timeMin: new Date(now - ctx.config.backfillDays * DAY).toISOString(),
              timeMax: new Date(cur.windowEnd ?? now + future).toISOString(),
            }
          : { syncToken: cur.syncToken! }),
      });
    } catch (err) {
      // https://developers.google.com/calendar/api/guides/sync: 410 Gone — the token expired; list again in full.
      if (isTributaryError(err) && err.code === 'cursor_invalid' && !cur.listing) {
        ctx.logger.warn('Google Calendar sync token expired: listing the calendar again', { calendar: calendarId });
        cur = relist(cur);
        continue;
      }
      throw err;
    }
    const parts = await mapEvents(run, cal, res.items ?? [], cur.gen);
    const next: CalendarCursor = res.nextPageToken
      ? { ...cur, pageToken: res.nextPageToken }
      : {
          gen: cur.gen,
          ...(res.nextSyncToken ? { syncToken: res.nextSyncToken } : {}),
          ...(cur.windowEnd !== undefined ? { windowEnd: cur.windowEnd } : {}),
          ...(cur.channel ? { channel: cur.channel } : {}),
          ...(cur.listing && cur.gen > 1 ? { sweep: true } : {}),
        };
    run.done += parts.items.length + parts.deletes.length;
    ctx.progress({ phase: cal.summary ?? calendarId, done: run.done });
    yield {
      items: parts.items,
      deletes: parts.deletes,
      state: { set: { ...parts.set, [cursorKey(calendarId)]: next }, delete: parts.deleteKeys },
      checkpoint: CALENDAR_CHECKPOINT,
    };
    run.stateReady = true;
    cur = next;
    if (!res.nextPageToken && !cur.sweep) return;
  }
}

/** Tombstones every event record of the calendar that the last listing (generation `gen`) did not see. */
async function* sweep(run: CalendarRun, calendarId: string, cur: CalendarCursor): AsyncGenerator<CalPage> {
  let deletes: string[] = [];
  let keys: string[] = [];
  const done = { ...cur };
  delete done.sweep;
  for await (const [key, value] of run.ctx.state.list(eventPrefix(calendarId))) {
    const r = EventRecordSchema.safeParse(value);
    if (r.success && r.data.g === cur.gen) continue;
    keys.push(key);
    if (r.success) deletes.push(r.data.x);
    if (keys.length >= 500) {
      yield { items: [], deletes, state: { delete: keys }, checkpoint: CALENDAR_CHECKPOINT };
      deletes = [];
      keys = [];
    }
  }
  yield {
    items: [],
    deletes,
    state: { delete: keys, set: { [cursorKey(calendarId)]: done } },
    checkpoint: CALENDAR_CHECKPOINT,
  };
}
