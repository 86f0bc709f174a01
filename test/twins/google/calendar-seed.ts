import { CalendarState, type TwinEvent } from './calendar-state.js';

export interface CalendarSeed {
  state: CalendarState;
  /** Single (non-recurring) events by calendar id, in creation order. */
  singles: Map<string, TwinEvent[]>;
  /** Instances of each series, by series id. */
  series: Map<string, TwinEvent[]>;
}

const HOUR = 3_600_000;

/**
 * `calendars` calendars (the first is primary), each with `events` single events spread over the days around
 * `now`, and `series` weekly series of `instances` occurrences. Every event has an organizer and two attendees;
 * every 4th a location, every 5th an HTML description, every 6th a Meet link.
 */
export function seedCalendars(opts: {
  calendars: number;
  events: number;
  series?: number;
  instances?: number;
  now?: number;
}): CalendarSeed {
  const state = new CalendarState();
  const now = opts.now ?? Date.now();
  const day0 = Math.floor(now / 86_400_000) * 86_400_000;
  const singles = new Map<string, TwinEvent[]>();
  const series = new Map<string, TwinEvent[]>();
  for (let c = 0; c < opts.calendars; c++) {
    const cal = state.addCalendar(
      c === 0 ? 'Owner' : `Team ${c}`,
      c === 0 ? { id: 'owner@twin.example', primary: true } : {},
    );
    const list: TwinEvent[] = [];
    for (let i = 0; i < opts.events; i++) {
      const start = day0 + (i - Math.floor(opts.events / 2)) * 6 * HOUR + 9 * HOUR;
      const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
      list.push(
        state.add(cal.id, {
          summary: `Meeting ${c}.${i} on the roadmap`,
          start: { dateTime: iso(start) },
          end: { dateTime: iso(start + HOUR) },
          organizer: { email: 'owner@twin.example', displayName: 'Owner' },
          attendees: [
            { email: `guest${i % 3}@twin.example`, displayName: `Guest ${i % 3}`, responseStatus: 'accepted' },
            { email: 'owner@twin.example', displayName: 'Owner', responseStatus: i % 2 ? 'needsAction' : 'accepted' },
          ],
          ...(i % 4 === 0 ? { location: `Room ${i % 10}` } : {}),
          ...(i % 5 === 0
            ? { description: `<p>Agenda for <b>item ${i}</b></p><ul><li>budget</li><li>hiring</li></ul>` }
            : {}),
          ...(i % 6 === 0 ? { hangoutLink: `https://meet.google.com/abc-defg-${String(i).padStart(3, '0')}` } : {}),
        }),
      );
    }
    singles.set(cal.id, list);
    for (let s = 0; s < (opts.series ?? 0); s++) {
      const start = new Date(day0 - 14 * 86_400_000 + (s % 5) * 86_400_000 + 15 * HOUR).toISOString();
      const inst = state.addSeries(
        cal.id,
        { summary: `Weekly sync ${c}.${s}`, organizer: { email: 'owner@twin.example', displayName: 'Owner' } },
        start,
        opts.instances ?? 8,
      );
      series.set(inst[0]!.recurringEventId!, inst);
    }
  }
  return { state, singles, series };
}
