import { createHash } from 'node:crypto';
import ICAL from 'ical.js';
import { createZoneResolver, type ZoneResolver } from './zones.js';

type Component = InstanceType<typeof ICAL.Component>;
type Time = InstanceType<typeof ICAL.Time>;

export interface Person {
  name?: string;
  email?: string;
  role?: string;
  status?: string;
}

/** One event as it will be stored: a single event, or one occurrence of a recurring series. */
export interface CalendarEvent {
  /** UID for single events; `<UID>#<instance>` for occurrences (instance = original start, a date for all-day). */
  externalId: string;
  uid: string;
  /** The occurrence's original start (RECURRENCE-ID), for occurrences. */
  instance?: string;
  start: number;
  end: number;
  allDay: boolean;
  tzid?: string;
  summary?: string;
  description?: string;
  location?: string;
  url?: string;
  status?: string;
  organizer?: Person;
  attendees: Person[];
  categories: string[];
  rrule?: string;
  /** True when a RECURRENCE-ID override changed this occurrence. */
  modified?: boolean;
}

export interface ExpandedCalendar {
  name?: string;
  events: CalendarEvent[];
  /** Ids cancelled upstream (STATUS:CANCELLED, EXDATE inside the window). */
  cancelled: string[];
  /** UIDs of whole series (or single events) that are cancelled: all their ids go. */
  cancelledUids: string[];
  /** Per-event problems (a bad RRULE, a missing DTSTART) and warnings (unknown zones). */
  errors: Array<{ externalId?: string; message: string }>;
}

export interface ExpandOptions {
  windowStart: number;
  windowEnd: number;
  defaultZone: string;
  /** Safety bound on occurrences generated per series. @default 50000 */
  maxIterations?: number;
}

const DAY = 86_400_000;

/** `2026-02-11T17:00:00Z` (no milliseconds) or `2026-02-11` for dates. */
function instanceKey(ms: number, allDay: boolean): string {
  const iso = new Date(ms).toISOString();
  return allDay ? iso.slice(0, 10) : iso.replace('.000Z', 'Z');
}

function text(comp: Component, name: string): string | undefined {
  const v = comp.getFirstPropertyValue(name);
  if (v === null || v === undefined) return undefined;
  const s = String(v).trim();
  return s || undefined;
}

function person(prop: InstanceType<typeof ICAL.Property>): Person {
  const out: Person = {};
  const value = String(prop.getFirstValue() ?? '');
  const email = value
    .replace(/^"|"$/g, '')
    .replace(/^mailto:/i, '')
    .trim();
  if (email && email.includes('@')) out.email = email;
  const cn = prop.getParameter('cn');
  if (typeof cn === 'string' && cn.trim()) out.name = cn.trim().replace(/^"|"$/g, '');
  const role = prop.getParameter('role');
  if (typeof role === 'string') out.role = role;
  const status = prop.getParameter('partstat');
  if (typeof status === 'string') out.status = status;
  return out;
}

function tzidOf(comp: Component, name: string): string | undefined {
  const tz = comp.getFirstProperty(name)?.getParameter('tzid');
  return typeof tz === 'string' ? tz : Array.isArray(tz) ? String(tz[0]) : undefined;
}

/** Start, end and descriptive fields of a VEVENT. @throws Error when DTSTART is missing */
function details(vevent: Component, resolve: ZoneResolver): Omit<CalendarEvent, 'externalId' | 'uid'> {
  const dtstart = vevent.getFirstPropertyValue('dtstart') as Time | null;
  if (!dtstart || typeof dtstart !== 'object') throw new Error('VEVENT without DTSTART');
  const tzid = tzidOf(vevent, 'dtstart');
  const start = resolve(dtstart, tzid);
  let end: number;
  const dtend = vevent.getFirstPropertyValue('dtend') as Time | null;
  const duration = vevent.getFirstPropertyValue('duration') as InstanceType<typeof ICAL.Duration> | null;
  if (dtend && typeof dtend === 'object') end = resolve(dtend, tzidOf(vevent, 'dtend') ?? tzid);
  else if (duration && typeof duration === 'object') end = start + duration.toSeconds() * 1000;
  else end = dtstart.isDate ? start + DAY : start;
  const event: Omit<CalendarEvent, 'externalId' | 'uid'> = {
    start,
    end: Math.max(end, start),
    allDay: dtstart.isDate,
    attendees: vevent.getAllProperties('attendee').map(person),
    categories: vevent
      .getAllProperties('categories')
      .flatMap((p) => p.getValues().map(String))
      .map((c) => c.trim())
      .filter(Boolean),
  };
  if (tzid) event.tzid = tzid.replace(/^"|"$/g, '');
  for (const [key, prop] of [
    ['summary', 'summary'],
    ['description', 'description'],
    ['location', 'location'],
    ['url', 'url'],
    ['status', 'status'],
  ] as const) {
    const v = text(vevent, prop);
    if (v) event[key] = key === 'status' ? v.toUpperCase() : v;
  }
  const organizer = vevent.getFirstProperty('organizer');
  if (organizer) event.organizer = person(organizer);
  const rrule = vevent.getFirstProperty('rrule');
  if (rrule) event.rrule = rrule.toICALString().replace(/^RRULE:/i, '');
  return event;
}

function sequenceOf(vevent: Component): number {
  const s = Number(vevent.getFirstPropertyValue('sequence'));
  return Number.isFinite(s) ? s : 0;
}

/** A stable stand-in for a missing UID (Outlook web exports omit it). */
function syntheticUid(vevent: Component): string {
  const basis = ['summary', 'dtstart', 'dtend'].map((p) => vevent.getFirstProperty(p)?.toICALString() ?? '').join('\n');
  return `no-uid-${createHash('sha256').update(basis).digest('hex').slice(0, 24)}`;
}

/** Keeps the VEVENT with the highest SEQUENCE (later in the file wins a tie, as a re-sent update does). */
function latest(list: Component[]): Component {
  return list.reduce((best, c) => (sequenceOf(c) >= sequenceOf(best) ? c : best));
}

/**
 * Parses an iCalendar text and expands it: single events as they are, recurring series into occurrences inside
 * the window (RRULE/RDATE minus EXDATE, RECURRENCE-ID overrides applied, cancelled ones reported).
 * @throws Error when the text is not iCalendar (the caller names the file)
 */
export function expandCalendar(ics: string, opts: ExpandOptions): ExpandedCalendar {
  const parsed = ICAL.parse(ics);
  const roots = (Array.isArray(parsed) && Array.isArray(parsed[0]) ? parsed : [parsed]) as unknown[];
  const out: ExpandedCalendar = { events: [], cancelled: [], cancelledUids: [], errors: [] };
  const max = opts.maxIterations ?? 50_000;
  for (const root of roots) {
    const vcal = new ICAL.Component(root as never);
    if (vcal.name !== 'vcalendar') throw new Error(`expected VCALENDAR, found ${vcal.name.toUpperCase()}`);
    out.name ??= text(vcal, 'x-wr-calname');
    const resolve = createZoneResolver(vcal, opts.defaultZone, (message) => out.errors.push({ message }));
    const byUid = new Map<string, { masters: Component[]; exceptions: Component[] }>();
    for (const vevent of vcal.getAllSubcomponents('vevent')) {
      const uid = text(vevent, 'uid') ?? syntheticUid(vevent);
      const group = byUid.get(uid) ?? { masters: [], exceptions: [] };
      (vevent.hasProperty('recurrence-id') ? group.exceptions : group.masters).push(vevent);
      byUid.set(uid, group);
    }
    for (const [uid, group] of byUid) {
      try {
        expandGroup(uid, group, resolve, opts, max, out);
      } catch (err) {
        out.errors.push({ externalId: uid, message: `event ${uid}: ${(err as Error).message}` });
      }
    }
  }
  return out;
}

function expandGroup(
  uid: string,
  group: { masters: Component[]; exceptions: Component[] },
  resolve: ZoneResolver,
  opts: ExpandOptions,
  max: number,
  out: ExpandedCalendar,
): void {
  const master = group.masters.length ? latest(group.masters) : undefined;
  const masterDetails = master ? details(master, resolve) : undefined;
  const recurring = master !== undefined && (master.hasProperty('rrule') || master.hasProperty('rdate'));
  const allDay = masterDetails?.allDay ?? false;
  const inWindow = (start: number, end: number): boolean => end >= opts.windowStart && start <= opts.windowEnd;

  // Overrides keyed by the instance they replace; the highest SEQUENCE wins per instance.
  const overrides = new Map<string, Component>();
  for (const ex of group.exceptions) {
    const recid = ex.getFirstPropertyValue('recurrence-id') as Time;
    const ms = resolve(recid, tzidOf(ex, 'recurrence-id'));
    // An all-day series is matched by date, whatever zone the override's RECURRENCE-ID was written in (Exchange).
    const key = allDay
      ? `${String(recid.year).padStart(4, '0')}-${String(recid.month).padStart(2, '0')}-${String(recid.day).padStart(2, '0')}`
      : instanceKey(ms, false);
    const prev = overrides.get(key);
    if (!prev || sequenceOf(ex) >= sequenceOf(prev)) overrides.set(key, ex);
  }

  if (master && masterDetails && !recurring) {
    if (masterDetails.status === 'CANCELLED') out.cancelledUids.push(uid);
    else out.events.push({ externalId: uid, uid, ...masterDetails });
  }
  if (master && masterDetails?.status === 'CANCELLED' && recurring) {
    out.cancelledUids.push(uid);
    return;
  }

  const duration = masterDetails ? masterDetails.end - masterDetails.start : 0;
  const emit = (key: string, instanceStart: number): void => {
    const id = `${uid}#${key}`;
    const override = overrides.get(key);
    overrides.delete(key);
    if (override) {
      const d = details(override, resolve);
      if (d.status === 'CANCELLED') {
        if (inWindow(d.start, d.end) || inWindow(instanceStart, instanceStart + duration)) out.cancelled.push(id);
        return;
      }
      if (inWindow(d.start, d.end) || inWindow(instanceStart, instanceStart + duration))
        out.events.push({
          externalId: id,
          uid,
          instance: key,
          ...d,
          ...(masterDetails?.rrule ? { rrule: masterDetails.rrule } : {}),
          modified: true,
        });
      return;
    }
    if (masterDetails && inWindow(instanceStart, instanceStart + duration)) {
      out.events.push({
        externalId: id,
        uid,
        instance: key,
        ...masterDetails,
        start: instanceStart,
        end: instanceStart + duration,
      });
    }
  };

  if (recurring && master) {
    const dtstart = master.getFirstPropertyValue('dtstart') as Time;
    const tzid = tzidOf(master, 'dtstart');
    const expansion = new ICAL.RecurExpansion({ component: master, dtstart });
    for (let n = 0; ; n++) {
      if (n >= max) {
        out.errors.push({ externalId: uid, message: `event ${uid}: stopped expanding after ${max} occurrences` });
        break;
      }
      const next = expansion.next();
      if (!next) break;
      const start = resolve(next, tzid);
      if (start > opts.windowEnd) break;
      if (start + duration < opts.windowStart && !overrides.has(instanceKey(start, allDay))) continue;
      emit(instanceKey(start, allDay), start);
    }
    // EXDATEs inside the window: occurrences removed upstream.
    for (const prop of master.getAllProperties('exdate')) {
      const ztz = prop.getParameter('tzid');
      for (const value of prop.getValues() as Time[]) {
        const ms = resolve(value, typeof ztz === 'string' ? ztz : tzid);
        if (inWindow(ms, ms + duration)) out.cancelled.push(`${uid}#${instanceKey(ms, allDay)}`);
      }
    }
  }
  // Overrides that matched no generated occurrence (moved from outside the window, or an override sent alone).
  for (const [key, ex] of [...overrides]) {
    const recid = ex.getFirstPropertyValue('recurrence-id') as Time;
    emit(key, resolve(recid, tzidOf(ex, 'recurrence-id')));
  }
}
