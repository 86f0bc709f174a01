import { z } from 'zod';

/**
 * `since` is the newest `created_at` of a finished incremental pass: the next one lists `created_after=since` (the
 * meeting at the boundary comes again and is skipped by its hash). Every meeting stored is connector state
 * `m:<recording_id>` → {@link MeetingState}. A reconcile pass (at most every `reconcileHours`) lists all meetings
 * as generation `gen + 1` and then deletes those of older generations: they were deleted in Fathom or are no
 * longer shared with you. `phase` and `cursor` say where a crash resumes.
 */
export const FathomCheckpointSchema = z
  .object({
    v: z.literal(1),
    gen: z.number().int().nonnegative(),
    since: z.string().max(40).optional(),
    reconciledAt: z.string().max(40).optional(),
    phase: z.enum(['incremental', 'reconcile', 'sweep']).optional(),
    cursor: z.string().max(2000).optional(),
    /** The newest created_at seen by the incremental pass under way. */
    top: z.string().max(40).optional(),
  })
  .strict();
export type FathomCheckpoint = z.output<typeof FathomCheckpointSchema>;

export const MEETING_PREFIX = 'm:';

export interface MeetingState {
  /** Hash of the stored item (unchanged meetings are not yielded again). */
  h: string;
  /** Generation: the reconcile pass that last saw it (or the committed one when stored by an incremental pass). */
  g: number;
}
