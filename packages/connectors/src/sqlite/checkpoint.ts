import { z } from 'zod';

const value = z.union([z.number(), z.string()]);

/**
 * Where the next read starts: the last cursor value read (and, for a timestamp cursor, the tie-break value of the
 * last row with that timestamp). `column` records which column the values belong to, so a config change is caught.
 */
export const SqliteCheckpointSchema = z.object({
  column: z.string(),
  /** Absent until a row was read. */
  cursor: value.optional(),
  tie: value.optional(),
});
export type SqliteCheckpoint = z.output<typeof SqliteCheckpointSchema>;
