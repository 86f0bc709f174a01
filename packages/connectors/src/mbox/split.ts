import type { FileHandle } from 'node:fs/promises';

/** One message cut out of an mbox, without its `From ` envelope line and its trailing separator line. */
export interface MboxMessage {
  /** Byte offset of the `From ` line. */
  start: number;
  /** Byte offset just past the message (the next `From ` line, or the end of the file). */
  end: number;
  /** The envelope line (`From sender date`), without the line break. */
  envelope: string;
  raw: Buffer;
  /** False when the file ends inside the message (truncated, or still being written). */
  complete: boolean;
}

const CHUNK = 256 * 1024;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Lines of a file from `start`, each with its byte offset and its line break; memory stays O(longest line). */
async function* lines(fh: FileHandle, start: number, limit: number): AsyncGenerator<{ offset: number; line: Buffer }> {
  let pos = start;
  let rest = Buffer.alloc(0);
  let restOffset = start;
  const buf = Buffer.alloc(CHUNK);
  for (;;) {
    const { bytesRead } = await fh.read(buf, 0, Math.min(CHUNK, Math.max(0, limit - pos)), pos);
    if (bytesRead === 0) break;
    pos += bytesRead;
    const data = rest.length
      ? Buffer.concat([rest, buf.subarray(0, bytesRead)])
      : Buffer.from(buf.subarray(0, bytesRead));
    let from = 0;
    for (let nl = data.indexOf(10, from); nl >= 0; nl = data.indexOf(10, from)) {
      yield { offset: restOffset + from, line: data.subarray(from, nl + 1) };
      from = nl + 1;
    }
    restOffset += from;
    rest = data.subarray(from);
  }
  if (rest.length) yield { offset: restOffset, line: rest };
}

const isBlank = (line: Buffer): boolean =>
  line.length === 0 || (line.length <= 2 && /^\r?\n$/.test(line.toString('latin1')));

/**
 * Whether a line is an mbox envelope line. `From ` alone is not enough: unquoted body lines ("From Russia with
 * love", mboxo files written by Thunderbird) start the same way. An envelope is `From <one token>` optionally
 * followed by something date-like (a time or a year), as every mbox writer produces.
 */
export function isEnvelope(line: string): boolean {
  const m = /^From (\S*)(?:[ \t]+(.*?))?\s*$/.exec(line);
  if (!m) return false;
  const rest = m[2] ?? '';
  return rest === '' || /\d{1,2}:\d{2}/.test(rest) || /\b(19|20)\d{2}\b/.test(rest);
}

const HEADER = /^[\x21-\x39\x3b-\x7e]+[ \t]*:/;

/**
 * Splits an mbox file into messages from byte `start` up to byte `size` (the size when reading began, so a file
 * appended to meanwhile is read consistently) (0, or a message boundary from a checkpoint). Handles the
 * mboxo/mboxrd `>From ` quoting (one `>` removed), `Content-Length` framing (mboxcl/mboxcl2, honoured only when the
 * length lands on a message boundary), CRLF files and a leading BOM.
 */
export async function* splitMbox(fh: FileHandle, start: number, size: number): AsyncGenerator<MboxMessage> {
  let cur:
    | { start: number; envelope: string; lines: Buffer[]; inHeaders: boolean; bodyEnd?: number; contentLength?: number }
    | undefined;
  let pendingFrom: { offset: number; line: Buffer } | undefined;
  let last = start;

  const finish = (end: number, complete: boolean): MboxMessage | undefined => {
    if (!cur) return undefined;
    const parts = cur.lines;
    if (complete && parts.length && isBlank(parts[parts.length - 1]!)) parts.pop(); // the separator line
    const msg: MboxMessage = {
      start: cur.start,
      end,
      envelope: cur.envelope,
      raw: Buffer.concat(parts),
      complete: complete && !cur.inHeaders,
    };
    cur = undefined;
    return msg;
  };
  const open = (offset: number, line: Buffer): void => {
    cur = { start: offset, envelope: line.toString('utf8').replace(/\r?\n$/, ''), lines: [], inHeaders: true };
  };

  for await (let { offset, line } of lines(fh, start, size)) {
    if (offset === 0 && line.subarray(0, 3).equals(BOM)) {
      line = line.subarray(3);
      offset = 3;
    }
    last = offset + line.length;
    if (pendingFrom) {
      const candidate = pendingFrom;
      pendingFrom = undefined;
      if (HEADER.test(line.toString('latin1')) || !cur) {
        const done = finish(candidate.offset, true);
        if (done) yield done;
        open(candidate.offset, candidate.line);
      } else {
        cur.lines.push(candidate.line);
      }
    }
    if (cur?.bodyEnd !== undefined && offset < cur.bodyEnd) {
      cur.lines.push(line);
      continue;
    }
    const text = line.toString('latin1');
    // Writers put a blank line before each envelope, but not all (MimeKit's samples, some exporters): the envelope
    // shape plus a header line right after it decide, so body prose starting with "From " stays body.
    if (text.startsWith('From ') && isEnvelope(text)) {
      pendingFrom = { offset, line };
      continue;
    }
    if (!cur) continue; // junk before the first envelope line
    if (cur.inHeaders) {
      const cl = /^content-length:[ \t]*(\d+)[ \t]*\r?\n?$/i.exec(text);
      if (cl) cur.contentLength = Number(cl[1]);
      if (isBlank(line)) {
        cur.inHeaders = false;
        const bodyStart = offset + line.length;
        if (cur.contentLength !== undefined && (await landsOnBoundary(fh, bodyStart + cur.contentLength, size))) {
          cur.bodyEnd = bodyStart + cur.contentLength;
        }
      }
      cur.lines.push(line);
    } else {
      // mboxrd/mboxo quoting: ">From " → "From ", ">>From " → ">From ".
      cur.lines.push(cur.bodyEnd === undefined && /^>+From /.test(text) ? line.subarray(1) : line);
    }
  }
  if (pendingFrom) {
    const done = finish(pendingFrom.offset, true);
    if (done) yield done;
    open(pendingFrom.offset, pendingFrom.line);
  }
  // The last message is complete when the file ends with a line break (writers append one after each message).
  const tail = finish(last, last === size && size > 0 && (await endsWithNewline(fh, size)));
  if (tail) yield tail;
}

async function landsOnBoundary(fh: FileHandle, at: number, size: number): Promise<boolean> {
  if (at === size) return true;
  if (at > size) return false;
  const b = Buffer.alloc(8);
  const { bytesRead } = await fh.read(b, 0, 8, at);
  const s = b.subarray(0, bytesRead).toString('latin1');
  return /^(\r?\n)?From /.test(s) || /^(\r?\n)+$/.test(s);
}

async function endsWithNewline(fh: FileHandle, size: number): Promise<boolean> {
  const b = Buffer.alloc(1);
  await fh.read(b, 0, 1, size - 1);
  return b[0] === 10;
}
