import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createManualClock } from '@tributary/sdk';
import { testConnector } from '@tributary/sdk/testing';
import { icsConnector } from './index.js';
import { fixture } from './test-data.js';

const SOURCE = fixture('exchange_whole_day_moved_recurrence.ics');
const UID = 'exchange-moved-recurrence';
let dir: string | undefined;
const file = (): string => path.join(dir!, 'calendar.ics');

testConnector(icsConnector, {
  get config() {
    return { path: file(), windowPastDays: 30, windowFutureDays: 365 };
  },
  // A fixed "now" inside the series (Feb–Aug 2026) so the expanded occurrences never depend on the real date.
  clock: createManualClock(Date.parse('2026-02-15T00:00:00Z')),
  badSetups: [
    { name: 'missing file', config: { path: '/nonexistent/calendar.ics' } },
    { name: 'not iCalendar', config: { path: fixture('../LICENSE') } },
  ],
  setup() {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = mkdtempSync(path.join(os.tmpdir(), 'ics-conformance-'));
    copyFileSync(SOURCE, file());
  },
  teardown() {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  },
  mutate() {
    // Retitle the moved instance, cancel the 3 March occurrence with an EXDATE, add a new single event.
    let text = readFileSync(file(), 'utf8');
    const override = text.lastIndexOf('SUMMARY:Exchange Recurring Test');
    text = `${text.slice(0, override)}SUMMARY:Exchange Recurring Test (moved, renamed)${text.slice(override + 'SUMMARY:Exchange Recurring Test'.length)}`;
    text = text.replace('RRULE:FREQ=WEEKLY', 'EXDATE;VALUE=DATE:20260303\r\nRRULE:FREQ=WEEKLY');
    text = text.replace(
      /END:VCALENDAR\s*$/,
      'BEGIN:VEVENT\r\nUID:new-event\r\nDTSTART:20260401T090000Z\r\nDTEND:20260401T100000Z\r\nSUMMARY:New\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n',
    );
    writeFileSync(file(), text);
    return { added: ['new-event'], changed: [`${UID}#2026-02-26`], deleted: [`${UID}#2026-03-03`] };
  },
});
