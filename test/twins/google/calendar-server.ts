import { startTwinServer, type TwinRequest, type TwinResponse, type TwinRoute, type TwinServer } from '../kit/index.js';
import { bearerOf, googleError, invalidCredentials, notFound } from './errors.js';
import type { CalendarState, TwinCalendar, TwinEvent } from './calendar-state.js';
import { channelNotificationHeaders } from './channel-headers.js';

export interface CalendarTwin extends TwinServer {
  state: CalendarState;
  /** The `rootUrl` for `@googleapis/calendar`: `<url>/`. */
  rootUrl: string;
  /** Channels opened by `events.watch`, by channel id. */
  channels: Map<
    string,
    { calendarId: string; address: string; token?: string; resourceId: string; expiration: number; stopped?: boolean }
  >;
  /** The headers Google sends to a channel's address when its calendar changed. */
  notification(channelId: string, state?: 'sync' | 'exists'): Record<string, string>;
}

const enc = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
function dec<T>(t: string | undefined): T | undefined | 'bad' {
  if (!t) return undefined;
  try {
    return JSON.parse(Buffer.from(t, 'base64url').toString('utf8')) as T;
  } catch {
    return 'bad';
  }
}

const startOf = (e: TwinEvent): number => Date.parse(e.start.dateTime ?? `${e.start.date}T00:00:00Z`);
const endOf = (e: TwinEvent): number => Date.parse(e.end.dateTime ?? `${e.end.date}T00:00:00Z`);

function eventView(cal: TwinCalendar, e: TwinEvent): Record<string, unknown> {
  const { seq: _seq, ...rest } = e;
  void _seq;
  if (e.status === 'cancelled')
    // A cancelled event in a sync answer carries only its id and status (plus instance coordinates).
    return {
      kind: 'calendar#event',
      id: e.id,
      status: 'cancelled',
      ...(e.recurringEventId ? { recurringEventId: e.recurringEventId, originalStartTime: e.originalStartTime } : {}),
    };
  return {
    kind: 'calendar#event',
    etag: `"${e.seq}"`,
    htmlLink: `https://www.google.com/calendar/event?eid=${Buffer.from(`${e.id} ${cal.id}`).toString('base64url')}`,
    created: '2025-12-01T00:00:00.000Z',
    creator: e.organizer ?? { email: cal.id },
    eventType: 'default',
    ...rest,
  };
}

interface ListCursor {
  /** Sync token state: changes after this stamp. */
  after?: number;
  min?: number;
  max?: number;
  /** Offset within the answer being paged. */
  offset?: number;
  /** The stamp the answer was computed at (pages of one answer agree). */
  at?: number;
}

/** Starts the Calendar API twin (`/calendar/v3/…`) on 127.0.0.1, port 0. */
export async function startCalendarTwin(
  state: CalendarState,
  options: { record?: boolean; now?: () => number } = {},
): Promise<CalendarTwin> {
  // The twin's clock for channel expirations (a test's injected clock); real time by default.
  const now = options.now ?? Date.now;
  const channels: CalendarTwin['channels'] = new Map();
  let messageNumber = 0;
  const routes: TwinRoute[] = [
    {
      method: 'GET',
      pattern: '/calendar/v3/users/me/calendarList',
      name: 'calendar.calendarList.list',
      handler: (req) => {
        const max = Math.min(Number(req.query.maxResults ?? 100) || 100, 250);
        const from = Number(dec<number>(req.query.pageToken) ?? 0);
        const page = state.calendars.slice(from, from + max);
        return {
          body: {
            kind: 'calendar#calendarList',
            etag: `"${state.seq}"`,
            items: page.map((c) => ({
              kind: 'calendar#calendarListEntry',
              id: c.id,
              summary: c.summary,
              timeZone: c.timeZone,
              accessRole: c.accessRole,
              ...(c.primary ? { primary: true } : {}),
            })),
            ...(from + max < state.calendars.length
              ? { nextPageToken: enc(from + max) }
              : { nextSyncToken: enc({ at: state.seq }) }),
          },
        };
      },
    },
    {
      method: 'GET',
      pattern: '/calendar/v3/calendars/:calendarId/events',
      name: 'calendar.events.list',
      handler: (req) => listEvents(state, req),
    },
    {
      method: 'POST',
      pattern: '/calendar/v3/calendars/:calendarId/events/watch',
      name: 'calendar.events.watch',
      handler: (req) => {
        const cal = state.calendars.find((c) => c.id === req.params.calendarId);
        if (!cal) return notFound();
        const body = (req.json ?? {}) as { id?: string; type?: string; address?: string; token?: string };
        if (!body.id || body.type !== 'web_hook' || !body.address?.startsWith('https://'))
          return googleError(400, 'invalid', 'WebHook callback must be HTTPS: ' + (body.address ?? ''));
        const resourceId = `res-${Buffer.from(cal.id).toString('base64url').slice(0, 16)}`;
        const expiration = now() + 7 * 86_400_000;
        channels.set(body.id, {
          calendarId: cal.id,
          address: body.address,
          ...(body.token ? { token: body.token } : {}),
          resourceId,
          expiration,
        });
        return {
          body: {
            kind: 'api#channel',
            id: body.id,
            resourceId,
            resourceUri: `https://www.googleapis.com/calendar/v3/calendars/${encodeURIComponent(cal.id)}/events?alt=json`,
            ...(body.token ? { token: body.token } : {}),
            expiration: String(expiration),
          },
        };
      },
    },
    {
      method: 'POST',
      pattern: '/calendar/v3/channels/stop',
      name: 'calendar.channels.stop',
      handler: (req) => {
        const body = (req.json ?? {}) as { id?: string; resourceId?: string };
        const ch = body.id ? channels.get(body.id) : undefined;
        if (!ch || ch.resourceId !== body.resourceId) return notFound('Channel not found');
        ch.stopped = true;
        return { status: 204 };
      },
    },
  ];
  const before = (req: TwinRequest): TwinResponse | undefined => {
    const token = bearerOf(req.headers);
    if (!token || state.tokens.get(token) !== 'valid') return invalidCredentials();
    return undefined;
  };
  const server = await startTwinServer({
    routes,
    before,
    ...(options.record !== undefined ? { record: options.record } : {}),
  });
  return Object.assign(server, {
    state,
    rootUrl: `${server.url}/`,
    channels,
    notification(channelId: string, resourceState: 'sync' | 'exists' = 'exists') {
      const ch = channels.get(channelId);
      if (!ch) throw new Error(`twin: no channel ${channelId}`);
      return channelNotificationHeaders(
        channelId,
        ch,
        resourceState,
        `https://www.googleapis.com/calendar/v3/calendars/${encodeURIComponent(ch.calendarId)}/events?alt=json`,
        ++messageNumber,
      );
    },
  });
}

/**
 * events.list: a full listing (timeMin/timeMax, `showDeleted`) or the changes since a sync token (cancelled ones
 * included), paged; the last page carries `nextSyncToken`. The token keeps the window of the listing that issued it.
 * https://developers.google.com/calendar/api/v3/reference/events/list
 */
function listEvents(state: CalendarState, req: TwinRequest): TwinResponse {
  const cal = state.calendars.find((c) => c.id === req.params.calendarId);
  if (!cal) return notFound();
  const page = dec<ListCursor>(req.query.pageToken);
  const sync = dec<ListCursor>(req.query.syncToken);
  if (page === 'bad' || sync === 'bad') return googleError(400, 'invalid', 'Invalid token');
  if (sync && (req.query.timeMin || req.query.timeMax))
    return googleError(400, 'invalid', 'timeMin/timeMax cannot be combined with syncToken');
  const cursor: ListCursor = page ??
    sync ?? {
      ...(req.query.timeMin ? { min: Date.parse(req.query.timeMin) } : {}),
      ...(req.query.timeMax ? { max: Date.parse(req.query.timeMax) } : {}),
    };
  if (cursor.after !== undefined && cursor.after < state.minSeq)
    return googleError(410, 'fullSyncRequired', 'Sync token is no longer valid, a full sync is required.', {
      domain: 'calendar',
    });
  const at = cursor.at ?? state.seq;
  const showDeleted = req.query.showDeleted === 'true' || cursor.after !== undefined;
  const all = [...cal.events.values()]
    .filter((e) => e.seq <= at && (cursor.after === undefined || e.seq > cursor.after))
    .filter((e) => showDeleted || e.status !== 'cancelled')
    .filter(
      (e) =>
        (cursor.min === undefined || endOf(e) > cursor.min) && (cursor.max === undefined || startOf(e) < cursor.max),
    )
    .sort((a, b) => a.seq - b.seq);
  const max = Math.min(Number(req.query.maxResults ?? 250) || 250, 2500);
  const from = cursor.offset ?? 0;
  const items = all.slice(from, from + max);
  const more = from + max < all.length;
  const window = {
    ...(cursor.min !== undefined ? { min: cursor.min } : {}),
    ...(cursor.max !== undefined ? { max: cursor.max } : {}),
  };
  return {
    body: {
      kind: 'calendar#events',
      etag: `"${at}"`,
      summary: cal.summary,
      timeZone: cal.timeZone,
      updated: new Date(Date.UTC(2026, 0, 1) + at * 1000).toISOString(),
      accessRole: cal.accessRole,
      defaultReminders: [],
      items: items.map((e) => eventView(cal, e)),
      ...(more
        ? { nextPageToken: enc({ ...cursor, offset: from + max, at }) }
        : { nextSyncToken: enc({ after: at, ...window }) }),
    },
  };
}
