import { z } from 'zod';

/**
 * An `updated_at` cursor for a list endpoint sorted by update time, ascending. `since` is inclusive on GitHub, so the
 * ids already read at exactly `since` are kept to skip them next time.
 */
export const UpdatedCursorSchema = z.object({
  since: z.string().optional(),
  ids: z.array(z.number()).default([]),
  /** Page within `since` (only past 1 when more than a page of objects share one second). */
  page: z.number().int().positive().optional(),
  /** `since` when the current scan started (absent = a first scan); reviews newer than it are new. */
  base: z.string().optional(),
  scanning: z.boolean().optional(),
});
export type UpdatedCursor = z.output<typeof UpdatedCursorSchema>;

/**
 * Where one repository stands, kept in connector state under `r:<owner/name>` (lower case), never in the
 * checkpoint, so the checkpoint stays the same size whatever the number of repositories.
 */
export const RepoCursorSchema = z.object({
  /** Digest of the repository item last yielded. */
  meta: z.string().optional(),
  issues: UpdatedCursorSchema.optional(),
  comments: UpdatedCursorSchema.optional(),
  reviewComments: UpdatedCursorSchema.optional(),
  /** Newest commit read; a scan walks back from `scan.top` to it, page by page. */
  commits: z
    .object({
      head: z.string().optional(),
      scan: z.object({ top: z.string(), page: z.number().int().positive() }).optional(),
    })
    .optional(),
  /** Tree of the default branch last read; a scan reads the changed blobs of `scan.tree`, from index `scan.index`. */
  files: z
    .object({
      tree: z.string().optional(),
      scan: z.object({ tree: z.string(), index: z.number().int().min(0) }).optional(),
    })
    .optional(),
});
export type RepoCursor = z.output<typeof RepoCursorSchema>;

/** State key of a repository's cursor. */
export const repoKey = (fullName: string): string => `r:${fullName.toLowerCase()}`;

/**
 * The GitHub connector's checkpoint: a version tag only. Every repository's cursors (and the ids read at a cursor's
 * exact second) are connector state committed with each page; an old checkpoint (`{ repos }`, v1) fails this schema
 * and triggers a clean re-sync.
 */
export const GithubCheckpointSchema = z.object({ v: z.literal(2) }).strict();
export type GithubCheckpoint = z.output<typeof GithubCheckpointSchema>;

export const GITHUB_CHECKPOINT: GithubCheckpoint = { v: 2 };

/** Drops undefined fields so a checkpoint survives a JSON round trip unchanged. */
export function compact<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
