import { z } from 'zod';

/**
 * High-water marks of the last completed run (`visitId`, `pageId`: the largest row ids read), and while a run is
 * in flight its keyset position (`after`) and ceilings, so a resumed run finishes the same set of rows.
 * `kind` and `source` tie the cursor to one database: another file starts over.
 */
export const BrowserHistoryCheckpointSchema = z.object({
  kind: z.string(),
  source: z.string(),
  visitId: z.number().int().nonnegative(),
  pageId: z.number().int().nonnegative(),
  run: z
    .object({
      after: z.number().int().nonnegative(),
      visitCeil: z.number().int().nonnegative(),
      pageCeil: z.number().int().nonnegative(),
    })
    .optional(),
});
export type BrowserHistoryCheckpoint = z.output<typeof BrowserHistoryCheckpointSchema>;
