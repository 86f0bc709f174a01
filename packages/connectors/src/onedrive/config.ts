import { z } from 'zod';

/** Change notifications through a Graph subscription on the drive root. */
export const OneDrivePushSchema = z
  .object({
    address: z
      .url({ protocol: /^https$/ })
      .describe("Public HTTPS address of this server's webhook route: https://<host>/api/v1/webhooks/<source id>"),
    clientState: z
      .string()
      .min(16)
      .max(128)
      .meta({ secret: true })
      .describe('Secret Graph sends back in every notification (clientState); notifications without it are refused.'),
    renewBeforeHours: z
      .number()
      .positive()
      .max(48)
      .default(12)
      .describe(
        'A sync renews the subscription when it expires within this many hours (drive items: at most ~29 days).',
      ),
  })
  .strict()
  .describe('Change notifications; without it, scheduled syncs poll the delta query.');

/** Config of a OneDrive / SharePoint document library source. */
export const OneDriveConfigSchema = z
  .object({
    driveId: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[A-Za-z0-9!_.-]+$/, 'a drive id (letters, digits, ! _ . -)')
      .optional()
      .describe(
        "A drive id (a SharePoint document library or another user's drive); empty = your OneDrive (/me/drive).",
      ),
    folders: z
      .object({
        include: z
          .array(z.string().min(1))
          .default([])
          .describe(
            'Only files under these folders (paths like "Projects/Acme", or item ids); empty = the whole drive.',
          ),
        exclude: z.array(z.string().min(1)).default([]).describe('Skip files under these folders (paths or item ids).'),
      })
      .strict()
      .default({ include: [], exclude: [] })
      .describe('Folder selection (applied to the whole subtree).'),
    maxFileMb: z
      .number()
      .positive()
      .max(100)
      .default(10)
      .describe('Files larger than this are not downloaded (reported in the run).'),
    pageSize: z.number().int().min(1).max(1000).default(200).describe('Items per delta page ($top).'),
    concurrency: z.number().int().min(1).max(16).default(4).describe('Downloads in flight at once.'),
    baseUrl: z
      .url({ protocol: /^https?$/ })
      .default('https://graph.microsoft.com/v1.0')
      .describe('Microsoft Graph base URL including the version (national clouds; tests point it at a twin).'),
    push: OneDrivePushSchema.optional(),
  })
  .strict();

export type OneDriveConfig = z.output<typeof OneDriveConfigSchema>;
