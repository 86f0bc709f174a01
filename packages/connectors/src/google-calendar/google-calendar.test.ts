import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createManualClock, type Clock } from '@tributary/sdk';
import { collectPages, createTestContext, syncRun, type SyncRun } from '@tributary/sdk/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CalendarState,
  loadDiscovery,
  seedCalendars,
  startCalendarTwin,
  type CalendarTwin,
  type NewEvent,
} from '../../../../test/twins/google/index.js';
import { expandCalendar, type CalendarEvent } from '../ics/calendar.js';
import { icsConnector } from '../ics/index.js';
import { testdata } from '../mail/test-support/testdata.js';
import { googleCalendarConnector } from './index.js';
import { eventExternalId } from './map.js';

const TOKEN = { kind: 'oauth2', accessToken: 'ya29.twin-token' } as const;
let twin: CalendarTwin | undefined;
afterEach(async () => {
  await twin?.close();
  twin = undefined;
});

type Run = SyncRun;

const sync = (config: Record<string, unknown>, from?: Run, opts: { clock?: Clock; maxPages?: number } = {}) =>
  syncRun(
    googleCalendarConnector,
    { config: { rootUrl: twin!.rootUrl, ...config }, credentials: TOKEN, ...opts },
    from,
  );

describe('google calendar at scale', () => {
  it('reads 10 calendars × 300 events with 20 series exactly, resumes after a crash, and syncs 100 changes cheaply', async () => {
    const seed = seedCalendars({ calendars: 10, events: 300, series: 2, instances: 10 });
    twin = await startCalendarTwin(seed.state, { record: false });
    // A crash after page 7 of the first read, then a resume: together every event exactly once.
    const first = await sync({ pageSize: 250 }, undefined, { maxPages: 7 });
    const full = await sync({ pageSize: 250 }, first);
    expect(new Set([...first.items.keys(), ...full.items.keys()]).size).toBe(10 * 300 + 10 * 2 * 10);
    expect(first.items.size + full.items.size).toBe(3200);

    const s = seed.state;
    const changed: string[] = [];
    const deleted: string[] = [];
    for (const [i, cal] of s.calendars.entries()) {
      const singles = seed.singles.get(cal.id)!;
      for (let k = 0; k < 4; k++)
        changed.push(eventExternalId(s.update(cal.id, singles[k]!.id, { summary: `Renamed ${i}.${k}` }))!);
      for (let k = 4; k < 7; k++) {
        s.cancel(cal.id, singles[k]!.id);
        deleted.push(eventExternalId(singles[k]!)!);
      }
      for (let k = 0; k < 3; k++) {
        const t = new Date(Date.now() + (k + 1) * 3_600_000).toISOString();
        changed.push(
          eventExternalId(s.add(cal.id, { summary: `Added ${i}.${k}`, start: { dateTime: t }, end: { dateTime: t } }))!,
        );
      }
    }
    const inc = await sync({ pageSize: 250 }, full);
    expect([...inc.items.keys()].sort()).toEqual(changed.sort());
    expect(inc.deletes.sort()).toEqual(deleted.sort());
    // calendarList + one events.list per calendar for 100 changes.
    expect(inc.apiCalls / 100).toBeLessThanOrEqual(1.3);
    expect(inc.apiCalls).toBe(11);
  });
});

describe('google calendar sync semantics', () => {
  it('lists again when the sync token is gone (410), tombstoning what disappeared meanwhile', async () => {
    const seed = seedCalendars({ calendars: 2, events: 20, series: 1, instances: 4 });
    twin = await startCalendarTwin(seed.state);
    const full = await sync({});
    const cal = seed.state.calendars[0]!;
    const gone = seed.singles.get(cal.id)![3]!;
    // Deleted outright (not even a cancelled record remains), then every sync token expires.
    cal.events.delete(gone.id);
    seed.state.expireSyncTokens();
    const after = await sync({}, full);
    expect(after.deletes).toEqual([eventExternalId(gone)]);
    // Every token expired, so both calendars are listed again: all their events, minus the one gone.
    expect(after.items.size).toBe(2 * (20 + 4) - 1);
    const quiet = await sync({}, after);
    expect(quiet.items.size + quiet.deletes.length).toBe(0);
  });

  it('selects calendars by name or id, maps attendees, organizer, location, conference link and HTML descriptions', async () => {
    const seed = seedCalendars({ calendars: 3, events: 6 });
    twin = await startCalendarTwin(seed.state);
    const only = await sync({ calendars: { mode: 'include', list: ['team 1', 'owner@twin.example'] } });
    expect(new Set([...only.items.values()].map((i) => i.metadata?.calendar))).toEqual(new Set(['Owner', 'Team 1']));
    const but = await sync({ calendars: { mode: 'exclude', list: ['Owner'] } });
    expect(new Set([...but.items.values()].map((i) => i.metadata?.calendar))).toEqual(new Set(['Team 1', 'Team 2']));
    const e0 = [...only.items.values()].find((i) => i.title === 'Meeting 0.0 on the roadmap')!;
    expect(e0.content).toContain('Where: Room 0');
    expect(e0.content).toContain('Organizer: Owner <owner@twin.example>');
    expect(e0.content).toContain(
      'Attendees: Guest 0 <guest0@twin.example> (accepted), Owner <owner@twin.example> (accepted)',
    );
    expect(e0.content).toContain('Agenda for item 0');
    expect(e0.content).not.toContain('<p>');
    expect(e0.content).toContain('Conference: https://meet.google.com/abc-defg-000');
    const e1 = [...only.items.values()].find((i) => i.title === 'Meeting 0.1 on the roadmap')!;
    expect(e1.content).toContain('Owner <owner@twin.example> (needs-action)');
  });

  it('moves the expansion window on: occurrences beyond it appear once half of it is used up', async () => {
    const state = new CalendarState();
    const cal = state.addCalendar('Owner', { primary: true });
    const now = Date.UTC(2026, 5, 1);
    const later = new Date(now + 40 * 86_400_000).toISOString();
    state.add(cal.id, { summary: 'Far ahead', start: { dateTime: later }, end: { dateTime: later } });
    twin = await startCalendarTwin(state);
    const clock = createManualClock(now);
    const first = await sync({ windowFutureDays: 30 }, undefined, { clock });
    expect(first.items.size).toBe(0);
    clock.advance(20 * 86_400_000);
    const moved = await sync({ windowFutureDays: 30 }, first, { clock });
    expect([...moved.items.values()].map((i) => i.title)).toEqual(['Far ahead']);
    expect(moved.deletes).toEqual([]);
  });

  it('answers the official client with responses that validate against the Calendar Discovery document', async () => {
    const seed = seedCalendars({ calendars: 2, events: 8, series: 1, instances: 3 });
    twin = await startCalendarTwin(seed.state);
    const full = await sync({
      pageSize: 5,
      push: { address: 'https://tributary.example/api/v1/webhooks/google-calendar', token: 'calendar-push-token-123' },
    });
    seed.state.cancel(seed.state.calendars[0]!.id, seed.singles.get(seed.state.calendars[0]!.id)![0]!.id);
    await sync({ pageSize: 5 }, full);
    const discovery = loadDiscovery('calendar-v3.json');
    const problems = twin.exchanges
      .filter((x) => x.status < 300)
      .map((x) => [x.route, discovery.validate(x.route, x.body)] as const)
      .filter(([, p]) => p.length);
    expect(new Set(twin.exchanges.map((x) => x.route))).toEqual(
      new Set(['calendar.calendarList.list', 'calendar.events.list', 'calendar.events.watch']),
    );
    expect(problems).toEqual([]);
  });
});

describe('the API and the ICS connector give the same content for the same event', () => {
  const PARTSTAT: Record<string, string> = {
    'NEEDS-ACTION': 'needsAction',
    ACCEPTED: 'accepted',
    DECLINED: 'declined',
    TENTATIVE: 'tentative',
  };
  const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');
  const gid = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 26);

  /** The event as Google's API answers it with `singleEvents=true` (an occurrence carries its series' coordinates). */
  function asGoogle(e: CalendarEvent): NewEvent {
    const at = (ms: number) =>
      e.allDay ? { date: iso(ms).slice(0, 10) } : { dateTime: iso(ms), ...(e.tzid ? { timeZone: e.tzid } : {}) };
    const person = (p: { name?: string; email?: string; status?: string }) => ({
      ...(p.email ? { email: p.email } : {}),
      ...(p.name ? { displayName: p.name } : {}),
      ...(p.status && PARTSTAT[p.status] ? { responseStatus: PARTSTAT[p.status] } : {}),
    });
    return {
      id: gid(e.externalId),
      iCalUID: e.uid,
      status: (e.status === 'TENTATIVE' ? 'tentative' : 'confirmed') as NewEvent['status'],
      start: at(e.start),
      end: at(e.end),
      ...(e.summary ? { summary: e.summary } : {}),
      ...(e.description ? { description: e.description } : {}),
      ...(e.location ? { location: e.location } : {}),
      ...(e.organizer ? { organizer: person(e.organizer) } : {}),
      ...(e.attendees.length ? { attendees: e.attendees.map(person) } : {}),
      ...(e.instance
        ? {
            recurringEventId: gid(e.uid),
            originalStartTime: e.allDay ? { date: e.instance } : { dateTime: e.instance },
          }
        : {}),
    };
  }

  it.each([
    'google-recurrence-order.ics',
    'multi-event-basic.ics',
    'meetup-timed-tz.ics',
    'yearly-party.ics',
    'music-school-weekly-until.ics',
    'event-organizer-cn.ics',
  ])('%s', async (file) => {
    const path = testdata('calendar/ics/node-ical/fixtures', file);
    const now = Date.UTC(2026, 5, 1);
    const window = { windowStart: now - 36_500 * 86_400_000, windowEnd: now + 3650 * 86_400_000, defaultZone: 'UTC' };
    const expanded = expandCalendar(readFileSync(path, 'utf8'), window);
    const state = new CalendarState();
    const cal = state.addCalendar('Imported', { primary: true });
    for (const e of expanded.events) state.add(cal.id, asGoogle(e));
    twin = await startCalendarTwin(state);
    const clock = createManualClock(now);
    const api = await sync({ backfillDays: 36_500, windowFutureDays: 3650 }, undefined, { clock });
    const ics = await collectPages(
      icsConnector,
      createTestContext(icsConnector, { config: { path, windowPastDays: 36_500, windowFutureDays: 3650 }, clock }),
    );
    const icsItems = ics.flatMap((p) => p.items ?? []);
    expect(icsItems.length).toBeGreaterThan(0);
    expect(api.items.size).toBe(icsItems.length);
    for (const i of icsItems) {
      const mine = api.items.get(i.externalId);
      expect(mine, i.externalId).toBeDefined();
      expect({ title: mine!.title, content: mine!.content }).toEqual({ title: i.title, content: i.content });
    }
  });
});
