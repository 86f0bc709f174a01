import { z } from 'zod';

/** What the connector remembers of one note (connector state `n:<path>`): enough to tell "unchanged" unread. */
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

/** Connector-state key of a note. The prefix leaves room for other kinds of records. */
export const NOTE_PREFIX = 'n:';
export const noteKey = (rel: string): string => `${NOTE_PREFIX}${rel}`;

/**
 * Cursor of the `obsidian` connector: flat and small. Everything per note is connector state (`n:<path>` →
 * {@link NoteState}); the cursor only says whether the first full scan finished and which backfill bound it uses,
 * so a resumed first sync keeps skipping the same old notes. (A v1 checkpoint with a `files` map does not parse:
 * the engine runs a clean re-sync, which re-reads every note and finds them unchanged.)
 */
export const ObsidianCheckpointSchema = z
  .object({
    v: z.literal(2),
    /** True once a scan of the whole vault committed; false while the first one is under way. */
    complete: z.boolean(),
    /** The first scan's backfill bound (epoch ms): notes older than this are recorded, not read. */
    sinceMs: z.number().optional(),
  })
  .strict();
export type ObsidianCheckpoint = z.output<typeof ObsidianCheckpointSchema>;

/** The externalId of a note entry. */
export function noteId(path: string, state: NoteState | undefined): string {
  return state?.id ?? path;
}
