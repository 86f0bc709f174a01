import { z } from 'zod';

/** Config of an X (Twitter) data archive source. */
export const XArchiveConfigSchema = z.object({
  path: z
    .string()
    .min(1)
    .describe(
      'The archive: the .zip X sends (Settings → Your account → Download an archive) or the folder it unzips to.',
    )
    .meta({ path: true }),
  includeRetweets: z.boolean().default(true).describe('Keep retweets ("RT @…") as memories.'),
});

export type XArchiveConfig = z.output<typeof XArchiveConfigSchema>;

/**
 * The highest tweet id already yielded. Tweet ids are time-ordered snowflakes and an edit always gets a new, higher
 * id, so a newer archive of the same account yields only tweets and edits made since.
 */
export const XArchiveCheckpointSchema = z.object({
  lastId: z.string().regex(/^\d+$/, 'a tweet id'),
});

export type XArchiveCheckpoint = z.output<typeof XArchiveCheckpointSchema>;
