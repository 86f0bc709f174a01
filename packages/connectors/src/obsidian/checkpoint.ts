import { z } from 'zod';

/** What the connector remembers of one note: enough to tell "unchanged" without reading it. */
export const NoteStateSchema = z.object({
  /** mtime in milliseconds. */
  m: z.number(),
  /** size in bytes. */
  s: z.number().int().nonnegative(),
  /** sha256 of the file (hex); empty when the note was skipped by the backfill bound and never read. */
  h: z.string(),
  /** The note's externalId when it is not its path: the note was renamed, and keeps the memory of its old path. */
  id: z.string().optional(),
});
export type NoteState = z.output<typeof NoteStateSchema>;

/**
 * Cursor of the `obsidian` connector: `files` maps each note's vault-relative path to its {@link NoteState}. The
 * alias of a renamed note (new path → old externalId) lives in its entry's `id`.
 */
export const ObsidianCheckpointSchema = z.object({
  files: z.record(z.string(), NoteStateSchema),
});
export type ObsidianCheckpoint = z.output<typeof ObsidianCheckpointSchema>;

/** The externalId of a note entry. */
export function noteId(path: string, state: NoteState | undefined): string {
  return state?.id ?? path;
}
