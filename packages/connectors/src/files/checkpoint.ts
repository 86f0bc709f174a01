import { z } from 'zod';

/** What the connector remembers of one file (connector state `f:<path>`): enough to tell "unchanged" unread. */
export const FileStateSchema = z.object({
  /** mtime in milliseconds. */
  m: z.number(),
  /** size in bytes. */
  s: z.number().int().nonnegative(),
  /** sha256 of the bytes (hex); empty when the file was never read (older than the backfill bound). */
  h: z.string(),
});
export type FileState = z.output<typeof FileStateSchema>;

/** Connector-state key of a file. The prefix leaves room for other kinds of records. */
export const FILE_PREFIX = 'f:';
export const fileKey = (rel: string): string => `${FILE_PREFIX}${rel}`;

/**
 * Cursor of the `files` connector: flat and small. Each file's {@link FileState} is connector state; the cursor
 * says whether the first full walk finished and which backfill bound it uses. (A v1 checkpoint with a `files` map
 * does not parse: the engine runs a clean re-sync, which finds every file unchanged.)
 */
export const FilesCheckpointSchema = z
  .object({
    v: z.literal(2),
    /** True once a walk of the whole folder committed. */
    complete: z.boolean(),
    /** The first walk's backfill bound (epoch ms): older files are recorded, not read. */
    sinceMs: z.number().optional(),
  })
  .strict();
export type FilesCheckpoint = z.output<typeof FilesCheckpointSchema>;
