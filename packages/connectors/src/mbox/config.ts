import { z } from 'zod';

/** Config of the `mbox` connector: one mbox file, or a folder of them (Thunderbird profiles, Google Takeout). */
export const MboxConfigSchema = z.object({
  path: z
    .string()
    .min(1)
    .describe('An mbox file, or a folder searched recursively for mbox files (symlinks are not followed).')
    .meta({ path: true }),
  include: z
    .array(z.string().min(1))
    .default(['**/*.mbox', '**/*.mbx', '**/*.mbox.txt', '**/mbox', '**/Inbox', '**/INBOX'])
    .describe(
      'When `path` is a folder: glob patterns of the files to read (files that do not start with "From " are reported and skipped).',
    ),
  exclude: z.array(z.string().min(1)).default([]).describe('When `path` is a folder: glob patterns of files to skip.'),
  backfillDays: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('On the first sync, skip messages dated more than this many days ago.'),
  pageSize: z.number().int().min(1).max(1000).default(100).describe('Messages per committed page.'),
});
export type MboxConfig = z.output<typeof MboxConfigSchema>;
