import { createMemoryState, type MemoryConnectorState } from '@tributary/sdk';
import { collectPages, createTestContext } from '@tributary/sdk/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { seedCalendars, startCalendarTwin, type CalendarTwin } from '../../../../test/twins/google/index.js';
import { googleCalendarConnector } from './index.js';

let twin: CalendarTwin | undefined;
afterEach(async () => {
  await twin?.close();
  twin = undefined;
});

const push = { address: 'https://tributary.example/api/v1/webhooks/google-calendar', token: 'calendar-push-0123' };

interface Run {
  ids: Set<string>;
  deletes: string[];
  state: MemoryConnectorState;
  checkpoint: unknown;
}

async function sync(config: Record<string, unknown>, from?: Run, maxPages?: number): Promise<Run> {
  const ctx = createTestContext(googleCalendarConnector, {
    config: { rootUrl: twin!.rootUrl, push, ...config },
    credentials: { kind: 'oauth2', accessToken: 'ya29.twin-token' },
    checkpoint: from?.checkpoint,
    state: createMemoryState(from?.state.snapshot()),
  });
  const pages = await collectPages(googleCalendarConnector, ctx, maxPages ? { maxPages } : {});
  return {
    ids: new Set(pages.flatMap((p) => (p.items ?? []).map((i) => i.externalId))),
    deletes: pages.flatMap((p) => p.deletes ?? []),
    state: ctx.state,
    checkpoint: pages.at(-1)?.checkpoint ?? from?.checkpoint,
  };
}

describe('google calendar: calendars leaving the selection', () => {
  it('tombstones the events of a calendar excluded by config or removed from the list, and stops its channel', async () => {
    const seed = seedCalendars({ calendars: 3, events: 700 });
    twin = await startCalendarTwin(seed.state, { record: false });
    const [a, b, c] = seed.state.calendars;
    const first = await sync({ pageSize: 250 });
    expect(first.ids.size).toBe(2100);
    const byCalendar = (id: string): string[] =>
      [...first.state.snapshot().entries()]
        .filter(([k]) => k.startsWith(`e:${id}:`))
        .map(([, v]) => (v as { x: string }).x)
        .sort();
    const eventsOfB = byCalendar(b!.id);
    const eventsOfC = byCalendar(c!.id);
    expect(eventsOfB).toHaveLength(700);
    const channelOf = (id: string) => [...twin!.channels.values()].find((ch) => ch.calendarId === id)!;

    // Excluded by the config: a crash after the first tombstone page (500 of 700) and a resume end with all 700.
    const exclude = { pageSize: 250, calendars: { mode: 'exclude', list: [b!.summary] } };
    // Pages: one sync-token page for each of the two calendars still read, then the tombstones.
    const crashed = await sync(exclude, first, 3);
    expect(crashed.deletes).toHaveLength(500);
    expect(crashed.state.snapshot().has(`c:${b!.id}`)).toBe(true);
    const excluded = await sync(exclude, crashed);
    expect([...crashed.deletes, ...excluded.deletes].sort()).toEqual(eventsOfB);
    expect(excluded.ids.size).toBe(0);
    expect(channelOf(b!.id).stopped).toBe(true);
    expect(channelOf(a!.id).stopped).toBeFalsy();
    expect([...excluded.state.snapshot().keys()].some((k) => k.includes(b!.id))).toBe(false);

    // Removed from the calendar list (unsubscribed or deleted upstream): the same.
    seed.state.calendars = seed.state.calendars.filter((cal) => cal.id !== c!.id);
    const removed = await sync(exclude, excluded);
    expect(removed.deletes.sort()).toEqual(eventsOfC);

    // Nothing left to forget: the next sync deletes nothing; taking b back in reads it again.
    expect((await sync(exclude, removed)).deletes).toEqual([]);
    const back = await sync({ pageSize: 250 }, removed);
    expect(back.ids.size).toBe(700);
    expect(back.deletes).toEqual([]);
  });
});
