import { z } from 'zod';
import { isIanaZone } from './zones.js';

export const IcsConfigSchema = z
  .object({
    path: z.string().min(1).optional().describe('An .ics file on this machine.').meta({ path: true }),
    url: z
      .string()
      .regex(/^(https?|webcal):\/\//i, 'must be an http(s) or webcal:// address')
      .optional()
      .meta({ secret: true })
      .describe(
        'A calendar address, e.g. Google Calendar\'s "secret address in iCal format" (a secret: anyone with it reads the calendar).',
      ),
    windowPastDays: z
      .number()
      .int()
      .min(0)
      .max(36_500)
      .default(90)
      .describe('Expand recurring events from this many days ago.'),
    windowFutureDays: z
      .number()
      .int()
      .min(0)
      .max(36_500)
      .default(365)
      .describe('Expand recurring events up to this many days ahead.'),
    timeZone: z
      .string()
      .default('UTC')
      .refine(isIanaZone, 'must be an IANA time zone such as Europe/Berlin')
      .describe('Zone for "floating" times (no zone given) and for zone names that cannot be resolved.'),
  })
  .refine((c) => (c.path === undefined) !== (c.url === undefined), {
    message: 'set exactly one of path or url',
    path: ['path'],
  });

export type IcsConfig = z.output<typeof IcsConfigSchema>;

/**
 * What was yielded, so a later read reports changes and deletions: externalId → `<digest>` for single events, or
 * `<digest>|<instant start ISO>` for expanded occurrences (an occurrence that leaves the window as time passes is
 * forgotten, not deleted).
 */
export const IcsCheckpointSchema = z.object({
  seen: z.record(z.string(), z.string()),
});

export type IcsCheckpoint = z.output<typeof IcsCheckpointSchema>;
