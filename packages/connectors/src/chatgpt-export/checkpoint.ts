import { z } from 'zod';

/**
 * A watermark on `update_time`: conversations updated after it (or at it, when not among the ids read at exactly
 * that time) are new or changed. While a pass is under way, `pass` records which export file it reads, how many
 * conversations of the array are done, and the watermark it will move to — so a resumed pass skips what was
 * committed. The ids at a watermark (any number of conversations can share one `update_time`) are connector state,
 * never in the checkpoint: `w:<id>` for the committed watermark, `p:<id>` for the pass's.
 */
export const ChatgptCheckpointSchema = z
  .object({
    v: z.literal(2),
    since: z.number(),
    pass: z
      .object({
        file: z.string(),
        index: z.number().int().nonnegative(),
        max: z.number(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type ChatgptCheckpoint = z.output<typeof ChatgptCheckpointSchema>;

/** State key prefixes: ids at the committed watermark, ids at the watermark of the pass under way. */
export const WATERMARK_PREFIX = 'w:';
export const PASS_PREFIX = 'p:';
