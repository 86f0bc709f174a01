import { homedir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';

const expandHome = (p: string): string =>
  p === '~' ? homedir() : p.startsWith('~/') ? path.join(homedir(), p.slice(2)) : p;

/** The kinds of records a LinkedIn archive holds, one stream each. */
export const LINKEDIN_STREAMS = [
  'profile',
  'positions',
  'connections',
  'posts',
  'comments',
  'articles',
  'messages',
] as const;
export type LinkedinStream = (typeof LINKEDIN_STREAMS)[number];

/** Config of a `linkedin-export` source. */
export const LinkedinExportConfigSchema = z
  .object({
    archivePath: z
      .string()
      .min(1)
      .transform(expandHome)
      .refine((p) => path.isAbsolute(p), 'must be an absolute path (or start with ~/)')
      .describe(
        'The "Get a copy of your data" archive: the .zip LinkedIn sends, or its unzipped folder. Replace it with a ' +
          'newer archive to sync what changed (records missing from the newer archive are deleted).',
      )
      .meta({ path: true }),
    streams: z
      .array(z.enum(LINKEDIN_STREAMS))
      .min(1)
      .default([...LINKEDIN_STREAMS])
      .describe('Which parts of the archive to import.'),
    maxArticleBytes: z
      .number()
      .int()
      .min(1024)
      .max(64 * 1024 * 1024)
      .default(8 * 1024 * 1024)
      .describe('An article HTML file larger than this is skipped with an error.'),
    pageSize: z
      .number()
      .int()
      .min(1)
      .max(5000)
      .default(200)
      .describe('Records per page (one transaction with its checkpoint).'),
  })
  .strict();
export type LinkedinExportConfig = z.output<typeof LinkedinExportConfigSchema>;
