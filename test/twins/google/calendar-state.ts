/**
 * The Calendar twin's account: calendars in the user's calendar list and their events, each change stamped with an
 * increasing sequence so `events.list?syncToken=` returns exactly what changed (cancelled events included, as
 * Google does). `expireSyncTokens()` makes every older token answer 410 Gone.
 * https://developers.google.com/calendar/api/guides/sync
 */

export interface TwinEventTime {
  dateTime?: string;
  date?: string;
  timeZone?: string;
}

/** An event as the API returns it (the subset the twin models), plus the change stamp. */
export interface TwinEvent {
  id: string;
  iCalUID: string;
  status: 'confirmed' | 'tentative' | 'cancelled';
  summary?: string;
  description?: string;
  location?: string;
  start: TwinEventTime;
  end: TwinEventTime;
  organizer?: { email?: string; displayName?: string };
  attendees?: Array<{ email?: string; displayName?: string; responseStatus?: string }>;
  hangoutLink?: string;
  recurringEventId?: string;
  originalStartTime?: TwinEventTime;
  sequence: number;
  updated: string;
  /** Change stamp (not part of the API answer). */
  seq: number;
}

export interface TwinCalendar {
  id: string;
  summary: string;
  primary?: boolean;
  accessRole: 'owner' | 'reader' | 'writer' | 'freeBusyReader';
  timeZone: string;
  events: Map<string, TwinEvent>;
}

export type NewEvent = Omit<TwinEvent, 'id' | 'iCalUID' | 'seq' | 'updated' | 'sequence' | 'status'> &
  Partial<Pick<TwinEvent, 'id' | 'iCalUID' | 'status'>>;

export class CalendarState {
  tokens = new Map<string, 'valid' | 'expired'>([['ya29.twin-token', 'valid']]);
  calendars: TwinCalendar[] = [];
  seq = 0;
  /** Sync tokens issued before this stamp answer 410. */
  minSeq = 0;
  private n = 0;

  addCalendar(summary: string, opts: { id?: string; primary?: boolean } = {}): TwinCalendar {
    const cal: TwinCalendar = {
      id: opts.id ?? `${summary.toLowerCase().replace(/\W+/g, '.')}@group.calendar.twin`,
      summary,
      accessRole: 'owner',
      timeZone: 'UTC',
      events: new Map(),
      ...(opts.primary ? { primary: true } : {}),
    };
    this.calendars.push(cal);
    return cal;
  }

  calendar(id: string): TwinCalendar {
    const c = this.calendars.find((x) => x.id === id);
    if (!c) throw new Error(`twin: no calendar ${id}`);
    return c;
  }

  private stamp(e: Omit<TwinEvent, 'seq' | 'updated'>): TwinEvent {
    this.seq += 1;
    return { ...e, seq: this.seq, updated: new Date(Date.UTC(2026, 0, 1) + this.seq * 1000).toISOString() };
  }

  add(calendarId: string, e: NewEvent): TwinEvent {
    const id = e.id ?? `ev${(++this.n).toString(36).padStart(6, '0')}`;
    const event = this.stamp({ status: 'confirmed', sequence: 0, ...e, id, iCalUID: e.iCalUID ?? `${id}@google.com` });
    this.calendar(calendarId).events.set(id, event);
    return event;
  }

  /**
   * A weekly series of `count` instances from `start` (ISO), expanded as `singleEvents=true` returns it: instance ids
   * `<series>_<yyyymmddThhmmssZ>`, `recurringEventId` and `originalStartTime` set, one iCalUID for the series.
   */
  addSeries(
    calendarId: string,
    base: Omit<NewEvent, 'start' | 'end'>,
    start: string,
    count: number,
    minutes = 30,
  ): TwinEvent[] {
    const series = base.id ?? `sr${(++this.n).toString(36).padStart(6, '0')}`;
    const out: TwinEvent[] = [];
    for (let i = 0; i < count; i++) {
      const t0 = Date.parse(start) + i * 7 * 86_400_000;
      const at = new Date(t0).toISOString().replace('.000Z', 'Z');
      out.push(
        this.add(calendarId, {
          ...base,
          id: `${series}_${at.replace(/[-:]/g, '')}`,
          iCalUID: `${series}@google.com`,
          recurringEventId: series,
          originalStartTime: { dateTime: at },
          start: { dateTime: at },
          end: { dateTime: new Date(t0 + minutes * 60_000).toISOString().replace('.000Z', 'Z') },
        }),
      );
    }
    return out;
  }

  update(calendarId: string, id: string, patch: Partial<NewEvent>): TwinEvent {
    const cal = this.calendar(calendarId);
    const prev = cal.events.get(id);
    if (!prev) throw new Error(`twin: no event ${id}`);
    const next = this.stamp({ ...prev, ...patch, sequence: prev.sequence + 1 });
    cal.events.set(id, next);
    return next;
  }

  /** Cancels (deletes) an event: it stays visible to sync tokens and `showDeleted` as `status: cancelled`. */
  cancel(calendarId: string, id: string): void {
    this.update(calendarId, id, { status: 'cancelled' });
  }

  expireSyncTokens(): void {
    // Tokens issued from now on carry a stamp at or after the new floor.
    this.seq += 1;
    this.minSeq = this.seq;
  }
}
