import { z } from 'zod';

/** Push through a `changes.watch` channel. */
export const DrivePushSchema = z
  .object({
    address: z
      .url({ protocol: /^https$/ })
      .describe("Public HTTPS address of this server's webhook route: https://<host>/api/v1/webhooks/google-drive"),
    token: z
      .string()
      .min(16)
      .meta({ secret: true })
      .describe('Secret Google sends back as X-Goog-Channel-Token; notifications without it are refused.'),
    renewBeforeHours: z
      .number()
      .positive()
      .max(144)
      .default(24)
      .describe('A sync renews the channel when it expires within this many hours.'),
  })
  .describe('Push notifications; without it, scheduled syncs poll the change log.');

/** Config of a Google Drive source. */
export const GoogleDriveConfigSchema = z.object({
  folders: z
    .object({
      include: z
        .array(z.string().min(1))
        .default([])
        .describe('Only files under these folders (ids or names); empty = everything you can see.'),
      exclude: z.array(z.string().min(1)).default([]).describe('Skip files under these folders (ids or names).'),
    })
    .default({ include: [], exclude: [] })
    .describe('Folder selection (applied to the whole subtree).'),
  sharedDrives: z
    .boolean()
    .default(true)
    .describe('Also read shared drives you are a member of (supportsAllDrives, includeItemsFromAllDrives).'),
  backfillDays: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('On the first sync, read only files modified in the last N days (then every change).'),
  maxFileMb: z
    .number()
    .positive()
    .max(100)
    .default(10)
    .describe('Files larger than this are not downloaded (reported in the run); Google Docs export up to 10 MB.'),
  pageSize: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(100)
    .describe('Files per files.list / changes per changes.list page.'),
  concurrency: z.number().int().min(1).max(16).default(4).describe('Downloads and exports in flight at once.'),
  rootUrl: z
    .url({ protocol: /^https?$/ })
    .default('https://www.googleapis.com/')
    .describe('Drive API root URL (tests point it at a twin).'),
  push: DrivePushSchema.optional(),
});

export type GoogleDriveConfig = z.output<typeof GoogleDriveConfigSchema>;
