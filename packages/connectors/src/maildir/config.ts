import { z } from 'zod';

/** Config of the `maildir` connector: a Maildir or Maildir++ tree (Dovecot, Courier, offlineimap, mbsync). */
export const MaildirConfigSchema = z.object({
  rootDir: z
    .string()
    .min(1)
    .describe('The Maildir root: the folder holding cur/, new/ and tmp/ (and .Sub.Folders for Maildir++).')
    .meta({ path: true }),
  includeFolders: z
    .array(z.string().min(1))
    .default(['**'])
    .describe('Glob patterns of folder names to read ("INBOX", "Archive/2024", "**").'),
  excludeFolders: z
    .array(z.string().min(1))
    .default([])
    .describe('Glob patterns of folder names to skip ("Trash", "Junk").'),
  backfillDays: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('On the first sync, skip messages dated more than this many days ago.'),
  pageSize: z.number().int().min(1).max(1000).default(500).describe('Messages per committed page.'),
});
export type MaildirConfig = z.output<typeof MaildirConfigSchema>;
