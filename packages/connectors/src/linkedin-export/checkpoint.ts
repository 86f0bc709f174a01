import { z } from 'zod';

/**
 * Which archive was imported last, and the import under way. Each import of a new archive is a generation: every
 * record it holds is written to connector state as `r:<externalId>` → `{ h, g, s }` (content hash, generation,
 * stream), and a record whose hash did not change is not yielded again. When the archive is read to its end, the
 * records of an older generation (in the streams this archive has files for) are gone from it: they are reported
 * as deletes. `pass.unit`/`pass.row` say how far the import got, so a crash resumes at the last committed page.
 */
export const LinkedinCheckpointSchema = z
  .object({
    v: z.literal(1),
    /** Identity (size, mtime …) of the last archive imported to its end. */
    archive: z.string().max(200).optional(),
    gen: z.number().int().nonnegative(),
    pass: z
      .object({
        archive: z.string().max(200),
        gen: z.number().int().positive(),
        /** Index in the read plan (one unit per file, articles as one unit). */
        unit: z.number().int().nonnegative(),
        /** Data rows of that unit already committed. */
        row: z.number().int().nonnegative(),
        /** All units read; deleting the records this archive no longer holds. */
        sweep: z.boolean().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type LinkedinCheckpoint = z.output<typeof LinkedinCheckpointSchema>;

/** State key prefix of one record of the archive. */
export const RECORD_PREFIX = 'r:';

/** What the state keeps per record. */
export interface RecordState {
  /** Content hash (hex, 16 chars). */
  h: string;
  /** Generation (import) that last saw it. */
  g: number;
  /** Its stream. */
  s: string;
}
