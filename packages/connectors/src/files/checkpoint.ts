import { z } from 'zod';

/** What the connector remembers of one file: enough to tell "unchanged" without reading it. */
export const FileStateSchema = z.object({
  /** mtime in milliseconds. */
  m: z.number(),
  /** size in bytes. */
  s: z.number().int().nonnegative(),
  /** sha256 of the bytes (hex); empty when the file was never read (older than the backfill bound). */
  h: z.string(),
});
export type FileState = z.output<typeof FileStateSchema>;

/** Cursor of the `files` connector: each synced file's root-relative path → {@link FileState}. */
export const FilesCheckpointSchema = z.object({
  files: z.record(z.string(), FileStateSchema),
});
export type FilesCheckpoint = z.output<typeof FilesCheckpointSchema>;
