import { testConnector } from '@tributary/sdk/testing';
import {
  seedCalendars,
  startCalendarTwin,
  type CalendarSeed,
  type CalendarTwin,
} from '../../../../test/twins/google/index.js';
import { googleCalendarConnector } from './index.js';
import { eventExternalId } from './map.js';

// 3 calendars × 12 events + 2 weekly series of 4 (pages of 10) keep the crash-after-any-page matrix quick.
let seed: CalendarSeed;
let twin: CalendarTwin | undefined;

testConnector(googleCalendarConnector, {
  get config() {
    return { rootUrl: twin?.rootUrl ?? 'http://127.0.0.1:9/', pageSize: 10 };
  },
  credentials: { kind: 'oauth2', accessToken: 'ya29.twin-token' },
  badSetups: [
    { name: 'unknown token', credentials: { kind: 'oauth2', accessToken: 'ya29.forged' } },
    { name: 'no credential', credentials: undefined },
  ],
  async setup() {
    seed = seedCalendars({ calendars: 3, events: 12, series: 2, instances: 4 });
    twin = await startCalendarTwin(seed.state);
  },
  async teardown() {
    await twin?.close();
    twin = undefined;
  },
  mutate() {
    const s = seed.state;
    const cal = s.calendars[1]!.id;
    const [a, b, c] = seed.singles.get(cal)!;
    const added = s.add(cal, {
      summary: 'A new planning session',
      start: { dateTime: b!.start.dateTime! },
      end: { dateTime: b!.end.dateTime! },
    });
    s.update(cal, a!.id, { summary: 'Meeting moved to the big room', location: 'Big room' });
    s.cancel(cal, c!.id);
    // One occurrence of a series cancelled: its memory goes, the others stay.
    const instance = [...seed.series.values()][0]![1]!;
    s.cancel(s.calendars[0]!.id, instance.id);
    return {
      added: [eventExternalId(added)!],
      changed: [eventExternalId(a!)!],
      deleted: [eventExternalId(c!)!, eventExternalId(instance)!],
    };
  },
  grow() {
    const s = seed.state;
    for (let i = 0; i < 4; i++) {
      const cal = s.addCalendar(`Grown ${i}`);
      const t = new Date(Date.now() + (i + 1) * 86_400_000).toISOString();
      s.add(cal.id, { summary: `Grown event ${i}`, start: { dateTime: t }, end: { dateTime: t } });
    }
    return 4;
  },
});
