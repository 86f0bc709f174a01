import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { z } from 'zod';

/**
 * Per file: the byte offset just past the last complete message read, and the file's identity when it was read
 * (size — the bytes judged so far: the offset mid-file, the file size once read to its end —, mtime, sha256 of its
 * first `headLen` bytes). An mbox grows by appending: when the first bytes still hash
 * alike and the file is not shorter than the offset, reading resumes at the offset; otherwise it was rewritten
 * (compacted, replaced) and is read again from the start.
 */
export const MboxFileStateSchema = z.object({
  offset: z.number().int().nonnegative(),
  size: z.number().int().nonnegative(),
  mtimeMs: z.number(),
  headLen: z.number().int().nonnegative(),
  head: z.string(),
});
export type MboxFileState = z.output<typeof MboxFileStateSchema>;

/**
 * The checkpoint is a flat marker: each file's {@link MboxFileState} is connector state under `f:<relative path>`,
 * written by the page that read up to it, so a page writes only the files it touched.
 */
export const MboxCheckpointSchema = z.object({ format: z.literal('state-v1'), files: z.number().int() });
export type MboxCheckpoint = z.output<typeof MboxCheckpointSchema>;

const HEAD = 4096;

/** sha256 of the first `len` bytes. */
export async function hashHead(fh: FileHandle, len: number): Promise<string> {
  const b = Buffer.alloc(len);
  const { bytesRead } = await fh.read(b, 0, len, 0);
  return createHash('sha256').update(b.subarray(0, bytesRead)).digest('hex');
}

/** Identity of a file as read now. */
export async function identify(fh: FileHandle, size: number, mtimeMs: number): Promise<Omit<MboxFileState, 'offset'>> {
  const headLen = Math.min(HEAD, size);
  return { size, mtimeMs: Math.trunc(mtimeMs), headLen, head: await hashHead(fh, headLen) };
}

/**
 * Where to start reading a file: `skip` when nothing changed, the saved offset when the file only grew, 0 when it is
 * new or was rewritten.
 */
export async function resumeOffset(
  fh: FileHandle,
  size: number,
  mtimeMs: number,
  prev: MboxFileState | undefined,
): Promise<number | 'skip'> {
  if (!prev) return 0;
  if (size === prev.size && Math.trunc(mtimeMs) === prev.mtimeMs) return 'skip';
  if (size < prev.offset || size < prev.headLen || (await hashHead(fh, prev.headLen)) !== prev.head) return 0;
  if (prev.offset === 0 || prev.offset === size) return prev.offset;
  const b = Buffer.alloc(5);
  await fh.read(b, 0, 5, prev.offset);
  return b.toString('latin1') === 'From ' ? prev.offset : 0;
}
