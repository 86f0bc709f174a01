import { z } from 'zod';

const SelectionMode = z.enum(['all', 'include', 'exclude']);

/** Push through `events.watch` channels (Google calls the HTTPS address on every change). */
export const CalendarPushSchema = z
  .object({
    address: z
      .url({ protocol: /^https$/ })
      .describe("Public HTTPS address of this server's webhook route: https://<host>/api/v1/webhooks/google-calendar"),
    token: z
      .string()
      .min(16)
      .meta({ secret: true })
      .describe('Secret sent back by Google as X-Goog-Channel-Token on every notification; others are refused.'),
    renewBeforeHours: z
      .number()
      .positive()
      .max(144)
      .default(24)
      .describe('A sync renews a channel that expires within this many hours (Google caps channels at about 7 days).'),
  })
  .describe('Push notifications; without it, scheduled syncs poll with the sync token.');

/** Config of a Google Calendar source. */
export const GoogleCalendarConfigSchema = z.object({
  calendars: z
    .object({
      mode: SelectionMode.default('all').describe(
        'all: every calendar in your list; include: only `list`; exclude: all but `list`.',
      ),
      list: z
        .array(z.string().min(1))
        .default([])
        .describe('Calendar ids (name@group.calendar.google.com, primary) or names.'),
    })
    .default({ mode: 'all', list: [] })
    .describe('Which calendars to read.'),
  backfillDays: z
    .number()
    .int()
    .min(0)
    .max(36_500)
    .default(90)
    .describe('Read events (and expand recurring ones) from this many days ago.'),
  windowFutureDays: z
    .number()
    .int()
    .min(0)
    .max(3650)
    .default(365)
    .describe('Expand recurring events up to this many days ahead; the window moves on by itself.'),
  pageSize: z.number().int().min(1).max(2500).default(250).describe('Events per events.list page.'),
  rootUrl: z
    .url({ protocol: /^https?$/ })
    .default('https://www.googleapis.com/')
    .describe('Calendar API root URL (tests point it at a twin).'),
  push: CalendarPushSchema.optional(),
});

export type GoogleCalendarConfig = z.output<typeof GoogleCalendarConfigSchema>;
