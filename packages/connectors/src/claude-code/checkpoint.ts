import { z } from 'zod';

/**
 * Per session file (state key `s:` + path relative to projectsDir): the inode (a replaced file starts over), `offset` — where the
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

/** Connector-state key of a session file's {@link FileCursor}. */
export const SESSION_PREFIX = 's:';
export const sessionKey = (rel: string): string => `${SESSION_PREFIX}${rel}`;

/**
 * Cursor of the `claude-code` connector: only a version. Each session file's {@link FileCursor} is connector state
 * (`s:<path>`), written with the page that moved it. (A v1 checkpoint with a `files` map does not parse: the engine
 * runs a clean re-sync, which finds every turn unchanged.)
 */
export const ClaudeCodeCheckpointSchema = z.object({ v: z.literal(2) }).strict();
export type ClaudeCodeCheckpoint = z.output<typeof ClaudeCodeCheckpointSchema>;
