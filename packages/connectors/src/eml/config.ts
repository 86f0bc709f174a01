import { z } from 'zod';

/** Config of the `eml` connector: a folder (searched recursively) of RFC 5322 `.eml` files. */
export const EmlConfigSchema = z.object({
  rootDir: z
    .string()
    .min(1)
    .describe('Folder holding the .eml files (searched recursively; symlinks are not followed).')
    .meta({ path: true }),
  include: z
    .array(z.string().min(1))
    .default(['**/*.eml'])
    .describe('Glob patterns (relative to rootDir) of files to read.'),
  exclude: z.array(z.string().min(1)).default([]).describe('Glob patterns of files or folders to skip.'),
  backfillDays: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('On the first sync, skip messages dated more than this many days ago.'),
  pageSize: z.number().int().min(1).max(1000).default(500).describe('Messages per committed page.'),
});
export type EmlConfig = z.output<typeof EmlConfigSchema>;
