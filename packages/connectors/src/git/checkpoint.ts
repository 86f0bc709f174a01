import { z } from 'zod';

const Sha = z.string().regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/, 'must be a full commit sha');

/**
 * Cursor of the `git` connector.
 *
 * - `tips`: branch → the tip sha fully synced. Everything reachable from these is stored.
 * - a pass in progress (a sync interrupted mid-way) adds `targets` (branch → the tip being synced), `lastSha` (the
 *   last commit yielded, oldest-first order), `deletesDone` and `sinceTs` (the backfill bound of that pass), so a
 *   resume replays the same `git rev-list` and skips what was already yielded.
 */
export const GitCheckpointSchema = z.object({
  tips: z.record(z.string(), Sha),
  targets: z.record(z.string(), Sha).optional(),
  lastSha: Sha.optional(),
  deletesDone: z.boolean().optional(),
  sinceTs: z.number().int().optional(),
});

export type GitCheckpoint = z.output<typeof GitCheckpointSchema>;
