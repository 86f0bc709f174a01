import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { configJsonSchema, createManualClock, type Item, type Page } from '@tributary/sdk';
import { collectPages, createConnectorContext, createTestContext } from '@tributary/sdk/testing';
import { icsConnector } from './index.js';
import { allIcsFiles, countWeekdays, fixture } from './test-data.js';

async function read(config: Record<string, unknown>, nowIso: string, checkpoint?: unknown): Promise<Page[]> {
  const ctx = createTestContext(icsConnector, {
    config,
    clock: createManualClock(Date.parse(nowIso)),
    ...(checkpoint ? { checkpoint } : {}),
  });
  return collectPages(icsConnector, ctx);
}
const itemsOf = (pages: Page[]): Item[] => pages.flatMap((p) => p.items ?? []);
const vevents = (file: string): number => (readFileSync(file, 'utf8').match(/^BEGIN:VEVENT/gm) ?? []).length;

const temps: string[] = [];
afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempIcs(text: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ics-test-'));
  temps.push(dir);
  const file = path.join(dir, 'calendar.ics');
  writeFileSync(file, text);
  return file;
}

describe('every .ics under testdata/calendar', () => {
  it('parses, or fails with a record_invalid error naming the file', async () => {
    const files = allIcsFiles();
    expect(files).toHaveLength(51);
    const failed: string[] = [];
    for (const file of files) {
      try {
        const pages = await read({ path: file }, '2026-02-15T00:00:00Z');
        for (const item of itemsOf(pages)) expect(item.externalId.length).toBeGreaterThan(0);
      } catch (err) {
        expect(err).toMatchObject({ code: 'record_invalid', message: expect.stringContaining(path.basename(file)) });
        failed.push(path.basename(file));
      }
    }
    // ms_timezones.ics has an unterminated quoted TZID ('TZID="W. Europe Standard Time:2020…'), which ical.js rejects.
    expect(failed).toEqual(['ms_timezones.ics']);
  }, 60_000);

  it('reports per-event problems as page errors (an EXDATE ical.js cannot read, an unknown zone)', async () => {
    const pages = await read({ path: fixture('germany_at_end_of_day_repeating.ics') }, '2026-02-15T00:00:00Z');
    expect(pages.flatMap((p) => p.errors ?? [])).toContainEqual({
      message: expect.stringContaining('unknown time zone "Europe/Germany"'),
    });
  });
});

describe('fixed windows give exact counts on Google, Outlook and Exchange calendars', () => {
  it('Google: a daily COUNT=3 series in America/Denver with one moved instance → 3 events', async () => {
    const items = itemsOf(await read({ path: fixture('google-recurrence-order.ics') }, '2026-02-15T00:00:00Z'));
    const uid = 'aaaaaaaaaa888se1rr0b24sm4p@google.com';
    // Denver is UTC-7 in February: 10:00 local = 17:00Z. The override moved the 11th to 10:30.
    expect(items.map((i) => [i.externalId, i.occurredAt, i.title])).toEqual([
      [`${uid}#2026-02-10T17:00:00Z`, '2026-02-10T17:00:00.000Z', 'TEST RECURR 3'],
      [`${uid}#2026-02-11T17:00:00Z`, '2026-02-11T17:30:00.000Z', 'TEST RECURR 3 - MODIFIED'],
      [`${uid}#2026-02-12T17:00:00Z`, '2026-02-12T17:00:00.000Z', 'TEST RECURR 3'],
    ]);
    expect(items.every((i) => i.thread === uid)).toBe(true);
  });

  it('Google: a Europe/Kiev daily series UNTIL the 28th with an override → 4 events', async () => {
    const items = itemsOf(await read({ path: fixture('google-calendar-kiev-tz.ics') }, '2016-08-26T00:00:00Z'));
    expect(items).toHaveLength(4);
    expect(items.map((i) => i.occurredAt)).toEqual([
      '2016-08-25T11:00:00.000Z',
      '2016-08-26T11:00:00.000Z',
      '2016-08-27T11:00:00.000Z',
      '2016-08-28T11:00:00.000Z',
    ]);
    expect(items[1]!.title).toBe('bla bla');
    expect(items[0]!.container).toBe('ical');
  });

  it('Outlook web (Exchange 2010): 3 single events plus a weekly Thu/Fri series, all without UIDs', async () => {
    const file = fixture('Office-2012-owa.ics');
    const items = itemsOf(await read({ path: file }, '2020-11-01T00:00:00Z'));
    const singles = items.filter((i) => !i.thread);
    const series = items.filter((i) => i.thread);
    // Independent counts: 4 VEVENT blocks, one of them recurring; Thursdays and Fridays until the UNTIL date.
    expect(singles).toHaveLength(vevents(file) - 1);
    expect(series).toHaveLength(countWeekdays('2020-11-02', '2021-08-27', [4, 5]));
    expect(series).toHaveLength(86);
    // "(GMT+10:00) Canberra, Melbourne, Sydney" has no VTIMEZONE: the offset in its name is used.
    expect(singles.find((i) => i.title === 'TEST Syd')!.occurredAt).toBe('2020-10-28T03:30:00.000Z');
    expect(new Set(items.map((i) => i.externalId)).size).toBe(items.length);
  });

  it('Exchange: an all-day Tue/Thu series whose moved instance keeps its id → 51 events', async () => {
    for (const name of [
      'exchange_whole_day_moved_recurrence.ics',
      'exchange_whole_day_moved_recurrence_offset_tz.ics',
    ]) {
      const items = itemsOf(await read({ path: fixture(name) }, '2026-02-15T00:00:00Z'));
      expect(items, name).toHaveLength(countWeekdays('2026-02-19', '2026-08-17', [2, 4]));
      expect(items, name).toHaveLength(51);
      const moved = items.find((i) => i.externalId.endsWith('#2026-02-26'))!;
      expect(moved.occurredAt, name).toBe('2026-02-27T00:00:00.000Z');
      expect(moved.metadata).toMatchObject({ allDay: true, modified: true });
      expect(
        items.filter((i) => i.occurredAt === '2026-02-26T00:00:00.000Z'),
        name,
      ).toEqual([]);
    }
  });

  it('Exchange: a custom VTIMEZONE "(UTC+07:00) Bangkok, Hanoi, Jakarta" → 1 event at 02:00Z', async () => {
    const file = fixture('exchange-custom-tz.ics');
    const items = itemsOf(await read({ path: file }, '2019-05-01T00:00:00Z'));
    expect(items).toHaveLength(vevents(file));
    expect(items[0]!.occurredAt).toBe('2019-04-30T02:00:00.000Z');
    expect(items[0]!.container).toBe('Calendar name');
  });

  it('the window decides which occurrences exist: same clock, same count; a later clock, fewer', async () => {
    const cfg = { path: fixture('exchange_whole_day_moved_recurrence.ics'), windowPastDays: 0, windowFutureDays: 30 };
    const a = itemsOf(await read(cfg, '2026-03-01T00:00:00Z'));
    const b = itemsOf(await read(cfg, '2026-03-01T00:00:00Z'));
    expect(a.map((i) => i.externalId)).toEqual(b.map((i) => i.externalId));
    expect(a).toHaveLength(countWeekdays('2026-03-01', '2026-03-31', [2, 4]));
    const late = itemsOf(await read(cfg, '2026-08-01T00:00:00Z'));
    expect(late).toHaveLength(countWeekdays('2026-08-01', '2026-08-17', [2, 4]));
  });
});

describe('event details and deletions', () => {
  it('keeps organizer, attendees, location and description in the text', async () => {
    const text = [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'BEGIN:VEVENT',
      'UID:e1',
      'DTSTART:20260301T090000Z',
      'DTEND:20260301T100000Z',
      'SUMMARY:Planning',
      'LOCATION:Room 4',
      'DESCRIPTION:Agenda:\\n- budget',
      'ORGANIZER;CN=Ada Lovelace:mailto:ada@example.org',
      'ATTENDEE;CN=Grace Hopper;PARTSTAT=ACCEPTED:mailto:grace@example.org',
      'CATEGORIES:work,planning',
      'END:VEVENT',
      'END:VCALENDAR',
    ].join('\r\n');
    const [item] = itemsOf(await read({ path: tempIcs(text) }, '2026-02-15T00:00:00Z'));
    expect(item!.content).toBe(
      'Planning\nWhen: 2026-03-01T09:00:00Z – 2026-03-01T10:00:00Z\nWhere: Room 4\nOrganizer: Ada Lovelace <ada@example.org>\nAttendees: Grace Hopper <grace@example.org> (accepted)\n\nAgenda:\n- budget',
    );
    expect(item!.author).toBe('Ada Lovelace <ada@example.org>');
    expect(item!.tags).toEqual(['work', 'planning']);
  });

  it('reads a quoted mailto organizer (Thunderbird)', async () => {
    const [item] = itemsOf(await read({ path: fixture('event-organizer-cn.ics') }, '2013-04-18T00:00:00Z'));
    expect(item!.author).toBe('stomlinson@mozilla.com <stomlinson@mozilla.com>');
    expect(item!.occurredAt).toBe('2013-04-18T18:00:00.000Z');
  });

  it('expands with EXDATEs and a moved instance, then reports new EXDATEs and cancellations as deletes', async () => {
    const file = fixture('daily-count-exdate-recurrence-id.ics');
    const now = '2015-07-06T00:00:00Z';
    const items = itemsOf(await read({ path: file }, now));
    // COUNT=10 daily, minus 2 EXDATEs; the override moves the 7th to the 9th at 15:00 (LA, UTC-7).
    expect(items).toHaveLength(10 - 2);
    expect(items.find((i) => i.externalId === '0000001#2015-07-07T19:00:00Z')!.occurredAt).toBe(
      '2015-07-09T22:00:00.000Z',
    );
    expect(items.some((i) => i.externalId === '0000001#2015-07-08T19:00:00Z')).toBe(false);

    // A checkpoint from before the EXDATEs were added: the two removed occurrences become deletes.
    const original = readFileSync(file, 'utf8');
    const withoutExdates = tempIcs(original.replace(/^EXDATE.*\r?\n/gm, ''));
    const before = await read({ path: withoutExdates }, now);
    expect(itemsOf(before)).toHaveLength(10);
    const after = await read({ path: file }, now, before.at(-1)!.checkpoint);
    expect(itemsOf(after)).toEqual([]);
    expect(after.at(-1)!.deletes).toEqual(['0000001#2015-07-08T19:00:00Z', '0000001#2015-07-10T19:00:00Z']);

    // The series is cancelled as a whole: every occurrence goes.
    const cancelled = tempIcs(
      original.replace('SUMMARY:Treasure Hunting', 'SUMMARY:Treasure Hunting\r\nSTATUS:CANCELLED'),
    );
    const gone = await read({ path: cancelled }, now, after.at(-1)!.checkpoint);
    expect(itemsOf(gone)).toEqual([]);
    expect(gone.at(-1)!.deletes).toHaveLength(8);
  });

  it('does not yield a cancelled single event (Apple Calendar)', async () => {
    const items = itemsOf(await read({ path: fixture('tentative-apple-calendar.ics') }, '2022-07-01T00:00:00Z'));
    expect(items.map((i) => i.title)).toEqual(['Tentative', 'Confirmed', 'No Status']);
  });

  it('forgets, but does not delete, occurrences that slide out of the window', async () => {
    const cfg = { path: fixture('exchange_whole_day_moved_recurrence.ics'), windowPastDays: 0, windowFutureDays: 30 };
    const first = await read(cfg, '2026-03-01T00:00:00Z');
    const later = await read(cfg, '2026-03-15T00:00:00Z', first.at(-1)!.checkpoint);
    expect(later.flatMap((p) => p.deletes ?? [])).toEqual([]);
    expect(itemsOf(later).every((i) => i.occurredAt! >= '2026-03-31')).toBe(true);
  });

  it('validates its config and explains a missing file', async () => {
    expect(() => createConnectorContext(icsConnector, { config: {} })).toThrow(/exactly one of path or url/);
    expect(() => createConnectorContext(icsConnector, { config: { path: 'x.ics', timeZone: 'Mars/Olympus' } })).toThrow(
      /IANA time zone/,
    );
    const res = await icsConnector.check(
      createConnectorContext(icsConnector, { config: { path: '/nonexistent/cal.ics' } }),
    );
    expect(res).toEqual({ ok: false, message: expect.stringContaining('does not exist') });
  });

  it('fetches a calendar url (webcal:// too), keeps the url secret and never puts it in messages', async () => {
    const schema = configJsonSchema(icsConnector.manifest.config) as {
      properties: Record<string, Record<string, unknown>>;
    };
    expect(schema.properties.url).toMatchObject({ secret: true, writeOnly: true });
    const body = readFileSync(fixture('google-recurrence-order.ics'));
    const server = createServer((req, res) => {
      if (req.url === '/calendar/ical/secret-token/basic.ics') {
        res.writeHead(200, { 'content-type': 'text/calendar' });
        res.end(body);
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      expect(
        itemsOf(await read({ url: `${base}/calendar/ical/secret-token/basic.ics` }, '2026-02-15T00:00:00Z')),
      ).toHaveLength(3);
      const err = await read({ url: `${base}/calendar/ical/revoked-token/basic.ics` }, '2026-02-15T00:00:00Z').catch(
        (e: unknown) => e,
      );
      expect(err).toMatchObject({ code: 'not_found' });
      expect(String((err as Error).message)).not.toContain('revoked-token');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
