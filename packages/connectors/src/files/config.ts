import { z } from 'zod';

/** Config of the `files` connector: one folder of documents. */
export const FilesConfigSchema = z.object({
  rootDir: z.string().min(1).describe('The folder to read (recursively).').meta({ path: true }),
  include: z
    .array(z.string().min(1).max(1024))
    .max(200)
    .default([])
    .describe(
      'Globs relative to rootDir (picomatch; a glob without `/` matches file names anywhere, e.g. `*.pdf`). Empty: every supported file.',
    ),
  exclude: z
    .array(z.string().min(1).max(1024))
    .max(200)
    .default(['**/.git/**', '**/node_modules/**'])
    .describe('Globs relative to rootDir to skip; a matching folder is not entered.'),
  maxFileSizeMb: z
    .number()
    .positive()
    .max(1024)
    .default(10)
    .describe('Files larger than this are skipped (and reported in the run errors).'),
  followSymlinks: z
    .boolean()
    .default(false)
    .describe('Follow symbolic links that stay inside rootDir. Links pointing outside rootDir are never followed.'),
  backfillDays: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('On the first sync, skip files not modified in this many days (they are read once they change).'),
  pageSize: z
    .number()
    .int()
    .min(1)
    .max(2000)
    .default(100)
    .describe('Files per page (one transaction with its checkpoint).'),
});

export type FilesConfig = z.output<typeof FilesConfigSchema>;

/** Extracted text longer than this is cut (a 10 MB log is plenty for search). */
export const MAX_CONTENT_CHARS = 5_000_000;
