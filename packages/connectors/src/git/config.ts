import { z } from 'zod';

/** Config of the `git` connector: one local repository, one or more branches. */
export const GitConfigSchema = z.object({
  rootDir: z
    .string()
    .min(1)
    .describe('Top-level folder of the repository (the one holding `.git`), or a bare repository folder.')
    .meta({ path: true }),
  branches: z
    .array(z.string().min(1).max(255))
    .max(50)
    .default([])
    .describe('Branches (or any refs) to read. Empty: the branch checked out at the first sync, kept from then on.'),
  maxCommits: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('Read at most the newest N new commits per sync (the first sync included). Unset: no limit.'),
  patterns: z
    .array(z.string().min(1).max(1024))
    .max(100)
    .default([])
    .describe(
      'Only commits touching these paths (git pathspecs relative to the repository root, e.g. `src/`, `*.md`).',
    ),
  backfillDays: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('On the first sync, skip commits older than this many days (by commit date).'),
  pageSize: z
    .number()
    .int()
    .min(1)
    .max(5000)
    .default(500)
    .describe('Commits per page: each page is committed with its checkpoint, so a crash re-reads at most one page.'),
});

export type GitConfig = z.output<typeof GitConfigSchema>;

/** Largest content kept for one commit (message + files list + patch excerpt). */
export const MAX_CONTENT_CHARS = 64_000;
/** Largest patch excerpt kept per commit when the `diffs` feature is on. */
export const MAX_PATCH_CHARS = 16_000;
/** At most this many changed files are listed per commit (merges of big branches can touch thousands). */
export const MAX_FILES = 500;
