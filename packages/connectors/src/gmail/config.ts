import { z } from 'zod';

/** Push notifications through Cloud Pub/Sub (`users.watch`). */
export const GmailPushSchema = z
  .object({
    topicName: z
      .string()
      .regex(/^projects\/[^/]+\/topics\/[^/]+$/, 'use projects/<project>/topics/<topic>')
      .describe('Pub/Sub topic Gmail publishes to (gmail-api-push@system.gserviceaccount.com must be a publisher).'),
    verificationToken: z
      .string()
      .min(16)
      .optional()
      .meta({ secret: true })
      .describe(
        'Secret put in the push URL as ?token=…; a delivery without it is refused (or credential extra `pushToken`).',
      ),
    audience: z
      .string()
      .min(1)
      .optional()
      .describe('OIDC audience of the push subscription: when set, the Authorization JWT Google signs is verified.'),
    serviceAccountEmail: z
      .string()
      .email()
      .optional()
      .describe('The service account the push subscription authenticates as (the JWT `email` claim must match).'),
    emailAddress: z
      .string()
      .email()
      .optional()
      .describe(
        'The mailbox this source reads: deliveries for another address are left to the other sources (set it when several sources share one subscription).',
      ),
    jwksUrl: z
      .url({ protocol: /^https?$/ })
      .default('https://www.googleapis.com/oauth2/v3/certs')
      .describe("Google's signing keys for push JWTs."),
    renewBeforeHours: z
      .number()
      .positive()
      .max(144)
      .default(24)
      .describe('A sync renews the watch when it expires within this many hours (Gmail watches last 7 days).'),
  })
  .describe('Push notifications; without it, scheduled syncs poll history.');

/** Config of a Gmail source. */
export const GmailConfigSchema = z.object({
  labels: z
    .array(z.string().min(1))
    .default([])
    .describe('Only messages carrying any of these labels (names or ids); empty = all mail except spam and trash.'),
  query: z
    .string()
    .min(1)
    .max(2000)
    .optional()
    .describe(
      'A Gmail search (q) that bounds full syncs, e.g. "-category:promotions". Applied to history too (one messages.list check per page).',
    ),
  backfillDays: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('On the first sync, read only mail from the last N days (then everything new).'),
  pageSize: z.number().int().min(1).max(500).default(100).describe('Message ids per messages.list / history page.'),
  concurrency: z
    .number()
    .int()
    .min(1)
    .max(32)
    .default(8)
    .describe('messages.get calls in flight at once (all under the quota budget).'),
  maxMessageMb: z.number().positive().max(50).default(25).describe('Skip (and report) messages larger than this.'),
  userId: z.string().min(1).default('me').describe('Mailbox to read: "me" (the signed-in account).'),
  rootUrl: z
    .url({ protocol: /^https?$/ })
    .default('https://gmail.googleapis.com/')
    .describe('Gmail API root URL (tests point it at a twin).'),
  push: GmailPushSchema.optional(),
});

export type GmailConfig = z.output<typeof GmailConfigSchema>;
