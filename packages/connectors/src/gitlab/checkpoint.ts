import { z } from 'zod';

/**
 * An `updated_after` scan of issues or merge requests, ascending by `updated_at` with keyset pages. `since` is the
 * newest `updated_at` read; the next scan starts `overlapSeconds` before it. `recent` holds the ids read within
 * that overlap with their `updated_at`, so an unchanged one read again is skipped. `scan` is a scan in progress:
 * the `updated_after` it asked for, the previous `since` (notes newer than it are new) and the next page's URL.
 */
export const UpdatedCursorSchema = z.object({
  since: z.string().optional(),
  recent: z.record(z.string(), z.string()).default({}),
  /** Issues (or merge requests) read and not deleted: compared with GitLab's x-total to notice deletions. */
  count: z.number().int().min(0).default(0),
  scan: z.object({ after: z.string().optional(), base: z.string().optional(), next: z.string().optional() }).optional(),
});
export type UpdatedCursor = z.output<typeof UpdatedCursorSchema>;

/** Where one project stands, kept in connector state under `p:<project id>`, never in the checkpoint. */
export const ProjectCursorSchema = z.object({
  meta: z.string().optional(),
  issues: UpdatedCursorSchema.optional(),
  merge_requests: UpdatedCursorSchema.optional(),
  commits: z
    .object({
      head: z.string().optional(),
      scan: z.object({ top: z.string(), page: z.number().int().positive() }).optional(),
    })
    .optional(),
});
export type ProjectCursor = z.output<typeof ProjectCursorSchema>;

/** What is kept per issue or merge request read: the ids of its notes, to notice deleted notes. */
export const NoteableRecordSchema = z.object({ notes: z.array(z.number()).default([]) });
export type NoteableRecord = z.output<typeof NoteableRecordSchema>;

export type NoteableKind = 'issues' | 'merge_requests';

export const keys = {
  project: (id: number) => `p:${id}`,
  /** Zero-padded so state keys sort by iid. */
  noteable: (id: number, kind: NoteableKind, iid: number) =>
    `n:${id}:${kind === 'issues' ? 'i' : 'm'}:${String(iid).padStart(10, '0')}`,
  noteablePrefix: (id: number, kind: NoteableKind) => `n:${id}:${kind === 'issues' ? 'i' : 'm'}:`,
  wiki: (id: number, slug: string) => `w:${id}:${slug}`,
  wikiPrefix: (id: number) => `w:${id}:`,
};

/** The checkpoint: a version tag. Every project's cursors are connector state committed with each page. */
export const GitlabCheckpointSchema = z.object({ v: z.literal(1) }).strict();
export type GitlabCheckpoint = z.output<typeof GitlabCheckpointSchema>;
export const GITLAB_CHECKPOINT: GitlabCheckpoint = { v: 1 };
