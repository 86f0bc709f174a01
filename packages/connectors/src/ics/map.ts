import { createHash } from 'node:crypto';
import type { Item } from '@tributary/sdk';
import type { CalendarEvent, Person } from './calendar.js';

function who(p: Person): string {
  if (p.name && p.email) return `${p.name} <${p.email}>`;
  return p.name ?? p.email ?? '';
}

function when(e: CalendarEvent): string {
  const iso = (ms: number): string => new Date(ms).toISOString();
  if (e.allDay) {
    const first = iso(e.start).slice(0, 10);
    const last = iso(Math.max(e.start, e.end - 86_400_000)).slice(0, 10);
    return first === last ? `${first} (all day)` : `${first} – ${last} (all day)`;
  }
  const zone = e.tzid ? ` (${e.tzid})` : '';
  return `${iso(e.start).replace('.000Z', 'Z')} – ${iso(e.end).replace('.000Z', 'Z')}${zone}`;
}

/** A calendar event (single or one occurrence) → an item whose text reads like the event card. */
export function toEventItem(e: CalendarEvent, calendarName: string | undefined): Item {
  const lines = [e.summary ?? '(no title)', `When: ${when(e)}`];
  if (e.location) lines.push(`Where: ${e.location}`);
  if (e.organizer && who(e.organizer)) lines.push(`Organizer: ${who(e.organizer)}`);
  const attendees = e.attendees
    .map((a) => `${who(a)}${a.status ? ` (${a.status.toLowerCase()})` : ''}`)
    .filter((a) => a.trim());
  if (attendees.length) lines.push(`Attendees: ${attendees.join(', ')}`);
  if (e.status && e.status !== 'CONFIRMED') lines.push(`Status: ${e.status.toLowerCase()}`);
  if (e.description) lines.push('', e.description);
  const metadata: Record<string, unknown> = {
    uid: e.uid,
    start: new Date(e.start).toISOString(),
    end: new Date(e.end).toISOString(),
    allDay: e.allDay,
  };
  if (e.instance) metadata.instance = e.instance;
  if (e.modified) metadata.modified = true;
  if (e.tzid) metadata.timeZone = e.tzid;
  if (e.location) metadata.location = e.location;
  if (e.status) metadata.status = e.status;
  if (e.organizer) metadata.organizer = e.organizer;
  if (e.attendees.length) metadata.attendees = e.attendees;
  if (e.rrule) metadata.rrule = e.rrule;
  const item: Item = {
    externalId: e.externalId,
    stream: 'events',
    content: lines.join('\n'),
    contentType: 'text',
    occurredAt: new Date(e.start).toISOString(),
    metadata,
  };
  if (e.summary) item.title = e.summary.slice(0, 2000);
  if (e.url && /^https?:\/\//i.test(e.url)) item.url = e.url;
  const author = e.organizer ? who(e.organizer) : '';
  if (author) item.author = author.slice(0, 512);
  if (calendarName) item.container = calendarName.slice(0, 1024);
  // Occurrences of one series form a thread, so "all meetings of this series" is one query.
  if (e.instance) item.thread = e.uid;
  const tags = [...new Set(e.categories.map((c) => c.slice(0, 200)))];
  if (tags.length) item.tags = tags;
  return item;
}

/** A short digest of an item, kept in the checkpoint to tell changed events from unchanged ones. */
export function itemDigest(item: Item): string {
  return createHash('sha256').update(JSON.stringify(item)).digest('hex').slice(0, 12);
}
