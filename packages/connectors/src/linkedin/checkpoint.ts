import { z } from 'zod';

/**
 * Two sources of truth: the **snapshot** (`memberSnapshotData`, everything LinkedIn holds for the member, domain by
 * domain) read as generation `gen + 1` with every record in connector state `r:<externalId>` → `{ h, g, s }`, then
 * a sweep deleting the records of older generations; and between snapshots the **change log**
 * (`memberChangeLogs`, the member's actions since consent, kept 28 days) from `since` (the newest `processedAt`,
 * epoch ms, inclusive: repeats are skipped by hash). `phase`/`domain`/`start` say where a crash resumes.
 */
export const LinkedinCheckpointSchema = z
  .object({
    v: z.literal(1),
    gen: z.number().int().nonnegative(),
    since: z.number().int().nonnegative().optional(),
    snapshotAt: z.string().max(40).optional(),
    phase: z.enum(['snapshot', 'sweep']).optional(),
    domain: z.number().int().nonnegative().optional(),
    start: z.number().int().nonnegative().optional(),
  })
  .strict();
export type LinkedinCheckpoint = z.output<typeof LinkedinCheckpointSchema>;

export const RECORD_PREFIX = 'r:';

export interface RecordState {
  h: string;
  g: number;
  s: string;
}
