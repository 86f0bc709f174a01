import { z } from 'zod';

/**
 * Per session file (key: path relative to projectsDir): the inode (a replaced file starts over), `offset` — where the
 * next read starts: the start of the last, possibly unfinished, turn — and `end`: how far that turn reached when
 * it was last emitted (0 when not emitted). A re-read turn that still ends at `end` is not emitted again; one that
 * grew is (a new version).
 */
export const FileCursorSchema = z.object({
  ino: z.string(),
  offset: z.number().int().nonnegative(),
  end: z.number().int().nonnegative().default(0),
});
export type FileCursor = z.output<typeof FileCursorSchema>;

export const ClaudeCodeCheckpointSchema = z.object({ files: z.record(z.string(), FileCursorSchema).default({}) });
export type ClaudeCodeCheckpoint = z.output<typeof ClaudeCodeCheckpointSchema>;
