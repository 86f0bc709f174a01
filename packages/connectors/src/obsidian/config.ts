import { z } from 'zod';

/** Config of the `obsidian` connector: one vault folder. */
export const ObsidianConfigSchema = z.object({
  vaultPath: z.string().min(1).describe('The vault folder (the one holding `.obsidian/`).').meta({ path: true }),
  ignore: z
    .array(z.string().min(1).max(1024))
    .max(200)
    .default([])
    .describe(
      'Folders (`Archive`, `Templates/`) or globs (`**/drafts/**`, `*.excalidraw.md`) relative to the vault to skip.',
    ),
  backfillDays: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('On the first sync, skip notes not modified in this many days (they are read once they change).'),
  pageSize: z
    .number()
    .int()
    .min(1)
    .max(2000)
    .default(200)
    .describe('Notes per page (one transaction with its checkpoint).'),
});

export type ObsidianConfig = z.output<typeof ObsidianConfigSchema>;

/** Notes bigger than this are skipped and reported in the page's errors. */
export const MAX_NOTE_BYTES = 5 * 1024 * 1024;
