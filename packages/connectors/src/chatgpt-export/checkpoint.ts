import { z } from 'zod';

/**
 * A watermark on `update_time`: conversations updated after it (or at it, when not among `sinceIds`) are new or
 * changed. While a pass is under way, `pass` records which export file it reads, how many conversations of the
 * array are done, and the watermark it will move to — so a resumed pass skips what was committed.
 */
export const ChatgptCheckpointSchema = z.object({
  since: z.number().default(-1),
  sinceIds: z.array(z.string()).default([]),
  pass: z
    .object({
      file: z.string(),
      index: z.number().int().nonnegative(),
      max: z.number(),
      maxIds: z.array(z.string()),
    })
    .optional(),
});
export type ChatgptCheckpoint = z.output<typeof ChatgptCheckpointSchema>;
