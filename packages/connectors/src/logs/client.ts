import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { createGunzip } from 'node:zlib';
import picomatch from 'picomatch';

/** Bytes of a file's head that identify its content across renames, copies and compression. */
export const HEAD_BYTES = 256;
/** Longest line kept whole; longer lines are reported as malformed, not buffered without bound. */
export const MAX_LINE_BYTES = 1 << 20;

/** A file matched by the configured globs, as seen at the start of a pass. */
export interface LogFile {
  path: string;
  dev: string;
  ino: string;
  size: number;
  mtimeMs: number;
  gz: boolean;
}

export const sha = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

/** The directories a glob walks from and a matcher for what it selects. */
function globParts(pattern: string): { base: string; match: (p: string) => boolean; deep: boolean; literal: boolean } {
  const scan = picomatch.scan(pattern);
  if (!scan.isGlob) return { base: pattern, match: (p) => p === pattern, deep: false, literal: true };
  return {
    base: scan.base || '.',
    match: picomatch(pattern, { dot: true }),
    deep: scan.glob.includes('**') || scan.glob.includes('/'),
    literal: false,
  };
}

/** Lists regular files matched by `patterns` (absolute globs). Symlinked directories are not followed. */
export async function listLogFiles(patterns: string[]): Promise<LogFile[]> {
  const seen = new Map<string, LogFile>();
  for (const pattern of patterns) {
    const { base, match, deep, literal } = globParts(pattern);
    const paths: string[] = [];
    if (literal) paths.push(base);
    else await walk(base, deep, (p) => match(p) && paths.push(p));
    for (const p of paths) {
      const st = await stat(p, { bigint: true }).catch(() => undefined);
      if (!st?.isFile() || seen.has(p)) continue;
      seen.set(p, {
        path: p,
        dev: st.dev.toString(),
        ino: st.ino.toString(),
        size: Number(st.size),
        mtimeMs: Number(st.mtimeMs),
        gz: p.endsWith('.gz'),
      });
    }
  }
  return [...seen.values()].sort((a, b) => a.mtimeMs - b.mtimeMs || a.path.localeCompare(b.path));
}

async function walk(dir: string, deep: boolean, visit: (p: string) => unknown): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isFile()) visit(p);
    else if (e.isDirectory() && deep) await walk(p, deep, visit);
  }
}

/** Whether a glob's base directory (or the literal file) exists: what `check()` verifies. */
export async function globBaseExists(pattern: string): Promise<boolean> {
  const { base } = globParts(pattern);
  return (await stat(base).catch(() => undefined)) !== undefined;
}

/** Reads `[start, start+length)` of a plain file (fewer bytes at EOF). */
export async function readRange(file: string, start: number, length: number): Promise<Buffer> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(length);
    const { bytesRead } = await fh.read(buf, 0, length, start);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** The first `max` bytes of the (decompressed) content. A truncated .gz yields what decompressed so far. */
export async function readHead(file: LogFile, max: number): Promise<Buffer> {
  if (!file.gz) return readRange(file.path, 0, max);
  const chunks: Buffer[] = [];
  let total = 0;
  const stream = createReadStream(file.path).pipe(createGunzip());
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      total += chunk.length;
      if (total >= max) break;
    }
  } catch {
    // a .gz still being written: use what we have
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks).subarray(0, max);
}

/** One line of a file: its text (without the newline) and byte offsets in the (decompressed) content. */
export interface Line {
  text: string;
  raw: Buffer;
  start: number;
  /** Offset just after the newline: where the next read resumes. */
  end: number;
  /** false for a last line without a trailing newline (a writer may still be writing it). */
  complete: boolean;
  /** true when the line was longer than MAX_LINE_BYTES (text is cut). */
  oversized?: boolean;
}

/**
 * Streams the lines of a file from byte `start`, in O(1) memory. Plain files are read up to the size seen when the
 * pass started (a growing file is not chased); .gz files are decompressed and the first `start` bytes skipped.
 * A truncated .gz (still being written) ends quietly after its last complete line.
 */
export async function* readLines(file: LogFile, start: number): AsyncGenerator<Line> {
  const source = file.gz
    ? createReadStream(file.path).pipe(createGunzip())
    : file.size > start
      ? createReadStream(file.path, { start, end: file.size - 1, highWaterMark: 256 * 1024 })
      : undefined;
  if (!source) return;
  let chunkPos = file.gz ? 0 : start; // content offset of the next chunk's first byte
  let lineStart = start; // content offset of carry[0]
  let carry: Buffer = Buffer.alloc(0);
  let skippingHead: Buffer | undefined; // set while discarding the rest of an oversized line
  try {
    for await (const c of source as AsyncIterable<Buffer>) {
      let chunk: Buffer = c;
      if (chunkPos < start) {
        // .gz: skip what an earlier pass read
        const skip = Math.min(chunk.length, start - chunkPos);
        chunkPos += skip;
        chunk = chunk.subarray(skip);
        if (chunk.length === 0) continue;
      }
      if (skippingHead) {
        const nl = chunk.indexOf(10);
        if (nl === -1) {
          chunkPos += chunk.length;
          continue;
        }
        const end = chunkPos + nl + 1;
        yield {
          text: skippingHead.toString('utf8'),
          raw: skippingHead,
          start: lineStart,
          end,
          complete: true,
          oversized: true,
        };
        skippingHead = undefined;
        lineStart = end;
        chunkPos = end;
        chunk = chunk.subarray(nl + 1);
      }
      const buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
      chunkPos += chunk.length;
      let from = 0;
      let nl: number;
      while ((nl = buf.indexOf(10, from)) !== -1) {
        yield toLine(buf.subarray(from, nl + 1), lineStart, true);
        lineStart += nl + 1 - from;
        from = nl + 1;
      }
      carry = buf.subarray(from);
      if (carry.length > MAX_LINE_BYTES) {
        skippingHead = Buffer.from(carry.subarray(0, 1024));
        carry = Buffer.alloc(0);
      }
    }
  } catch (err) {
    if (!file.gz) throw err;
    return; // truncated .gz (still being written): stop after its last complete line
  } finally {
    (source as unknown as { destroy(): void }).destroy();
  }
  if (carry.length) yield toLine(carry, lineStart, false);
}

function toLine(raw: Buffer, start: number, complete: boolean): Line {
  let end = raw.length;
  if (end && raw[end - 1] === 10) end--;
  if (end && raw[end - 1] === 13) end--;
  return { text: raw.toString('utf8', 0, Math.min(end, 64 * 1024)), raw, start, end: start + raw.length, complete };
}
