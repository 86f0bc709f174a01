import type { Item } from '@tributary/sdk';
import type { CalendarEvent, Person } from '../ics/calendar.js';
import { toEventItem } from '../ics/map.js';
import { htmlToText } from '../mail/parse.js';
import type { GoogleEvent } from './client.js';

/** The stream every calendar connector yields (as `ics`). */
export const EVENTS_STREAM = 'events';

/** Google's `responseStatus` as iCalendar's PARTSTAT (what the ICS connector shows, lowercased, in the text). */
const PARTSTAT: Record<string, string> = {
  needsAction: 'NEEDS-ACTION',
  accepted: 'ACCEPTED',
  declined: 'DECLINED',
  tentative: 'TENTATIVE',
};

const DAY = 86_400_000;

/** Milliseconds of an EventDateTime: `dateTime` with its offset, or an all-day `date` at 00:00 UTC (as `ics`). */
function ms(t: { date?: string | null; dateTime?: string | null } | undefined): number | undefined {
  if (t?.dateTime) return Date.parse(t.dateTime);
  if (t?.date) return Date.parse(`${t.date}T00:00:00Z`);
  return undefined;
}

/**
 * The occurrence key the ICS connector uses (`2026-02-11T17:00:00Z`, or `2026-02-11` for all-day), from an
 * instance's `originalStartTime`, so an occurrence has the same external id (`<iCalUID>#<key>`) in both.
 */
export function instanceKey(t: { date?: string | null; dateTime?: string | null }): string {
  if (t.date) return t.date;
  return new Date(Date.parse(t.dateTime!)).toISOString().replace('.000Z', 'Z');
}

/** The external id of an event: its iCalUID, or `<iCalUID>#<instance>` for one occurrence of a series. */
export function eventExternalId(e: GoogleEvent): string | undefined {
  const uid = e.iCalUID ?? (e.recurringEventId ? undefined : e.id);
  if (!uid) return undefined;
  return e.recurringEventId && e.originalStartTime ? `${uid}#${instanceKey(e.originalStartTime)}` : uid;
}

const person = (p: { email?: string | null; displayName?: string | null; responseStatus?: string | null }): Person => {
  const out: Person = {};
  if (p.email) out.email = p.email;
  if (p.displayName) out.name = p.displayName;
  if (p.responseStatus && PARTSTAT[p.responseStatus]) out.status = PARTSTAT[p.responseStatus];
  return out;
};

/** Google puts HTML in descriptions written in its web UI; plain text stays as it is. */
function descriptionText(d: string | null | undefined): string | undefined {
  if (!d) return undefined;
  const text = /<\/?[a-z][^>]*>/i.test(d) ? htmlToText(d) : d;
  return text.trim() || undefined;
}

/** The video link of an event: Meet's `hangoutLink`, or a conference's video entry point. */
export function conferenceLink(e: GoogleEvent): string | undefined {
  return e.hangoutLink ?? e.conferenceData?.entryPoints?.find((p) => p.entryPointType === 'video')?.uri ?? undefined;
}

/**
 * An event (one occurrence of a series, as `singleEvents=true` returns it) as the ICS connector's CalendarEvent, then
 * through the ICS connector's own mapping, so the same event gives the same text whichever way it was read. The
 * conference link, which iCalendar has no field for, is one more line at the end and in metadata.
 * @returns undefined for an event without start or id (Google's "birthday"/working-location pseudo events)
 */
export function toCalendarItem(e: GoogleEvent, calendarName: string): Item | undefined {
  const externalId = eventExternalId(e);
  const start = ms(e.start);
  if (!externalId || start === undefined) return undefined;
  const allDay = !!e.start?.date;
  const end = ms(e.end) ?? (allDay ? start + DAY : start);
  const event: CalendarEvent = {
    externalId,
    uid: e.iCalUID ?? externalId,
    start,
    end: Math.max(end, start),
    allDay,
    attendees: (e.attendees ?? []).filter((a) => !a.resource).map(person),
    categories: [],
  };
  if (e.recurringEventId && e.originalStartTime) {
    event.instance = instanceKey(e.originalStartTime);
    if (ms(e.originalStartTime) !== start) event.modified = true;
  }
  if (e.start?.timeZone) event.tzid = e.start.timeZone;
  if (e.summary?.trim()) event.summary = e.summary.trim();
  const description = descriptionText(e.description);
  if (description) event.description = description;
  if (e.location?.trim()) event.location = e.location.trim();
  if (e.status) event.status = e.status.toUpperCase();
  if (e.organizer) event.organizer = person(e.organizer);
  const item = toEventItem(event, calendarName);
  const conference = conferenceLink(e);
  if (conference) item.content += `\nConference: ${conference}`;
  item.metadata = {
    ...item.metadata,
    googleId: e.id,
    calendar: calendarName,
    ...(conference ? { conference } : {}),
    ...(e.recurringEventId ? { recurringEventId: e.recurringEventId } : {}),
  };
  if (e.htmlLink) item.url = e.htmlLink;
  return item;
}
