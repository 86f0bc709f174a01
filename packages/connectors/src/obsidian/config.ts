import { statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** Config of the `obsidian` connector: one vault folder. */
export const ObsidianConfigSchema = z
  .object({
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
    requireVault: z
      .boolean()
      .default(true)
      .describe(
        'Refuse a vaultPath without an `.obsidian/` folder, so a mistyped path does not index a whole tree. ' +
          'Set false to read a plain folder of Markdown notes.',
      ),
  })
  // Checked wherever the config is parsed: when a source is created or changed, by check, and before every read.
  // A path that does not exist is left to the read, which says so.
  .superRefine((c, ctx) => {
    if (!c.requireVault || !isDirectory(c.vaultPath) || isDirectory(path.join(c.vaultPath, '.obsidian'))) return;
    ctx.addIssue({
      code: 'custom',
      path: ['vaultPath'],
      message:
        `"${c.vaultPath}" is not an Obsidian vault (it has no .obsidian folder): point vaultPath at the vault, ` +
        'or set requireVault: false to read a plain folder of notes',
    });
  });

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export type ObsidianConfig = z.output<typeof ObsidianConfigSchema>;

/** Notes bigger than this are skipped and reported in the page's errors. */
export const MAX_NOTE_BYTES = 5 * 1024 * 1024;
