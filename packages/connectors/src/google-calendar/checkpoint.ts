import { z } from 'zod';

/**
 * The Google Calendar checkpoint: a version tag. Everything per calendar is connector state, so the checkpoint stays
 * the same few bytes whatever the number of calendars and events.
 */
export const GoogleCalendarCheckpointSchema = z.object({ v: z.literal(1) }).strict();
export type GoogleCalendarCheckpoint = z.output<typeof GoogleCalendarCheckpointSchema>;
export const CALENDAR_CHECKPOINT: GoogleCalendarCheckpoint = { v: 1 };

/**
 * Where one calendar stands, under `c:<calendar id>`: the sync token of its last completed listing (or a listing in
 * progress with its page token), the generation of that listing, the end of the expansion window it used, and the
 * push channel when there is one.
 */
export const CalendarCursorSchema = z.object({
  syncToken: z.string().optional(),
  pageToken: z.string().optional(),
  /** True while a page token belongs to a full listing (not to a sync-token answer). */
  listing: z.boolean().optional(),
  /** After a re-listing: older records are being tombstoned. */
  sweep: z.boolean().optional(),
  gen: z.number().int().min(1),
  /** Epoch ms: the listing expanded recurring events up to here; a sync near it re-lists with a later window. */
  windowEnd: z.number().int().optional(),
  channel: z.object({ id: z.string(), resourceId: z.string(), expires: z.number().int() }).optional(),
});
export type CalendarCursor = z.output<typeof CalendarCursorSchema>;

/** An event read before, under `e:<calendar id>:<event id>`: its memory's external id and listing generation. */
export const EventRecordSchema = z.object({ x: z.string().min(1), g: z.number().int() });
export type EventRecord = z.output<typeof EventRecordSchema>;

export const cursorKey = (calendarId: string): string => `c:${calendarId}`;
export const eventPrefix = (calendarId: string): string => `e:${calendarId}:`;
export const eventKey = (calendarId: string, eventId: string): string => `${eventPrefix(calendarId)}${eventId}`;
