import { brotliCompressSync, brotliDecompressSync, constants, inflateRawSync } from 'node:zlib';
import { TributaryError } from '@tributary/sdk/errors';

/**
 * How a memory's text is kept in `memories.content` and `memory_versions.content` (migration 9): short text stays a
 * TEXT value as before; longer text is a BLOB whose first byte names the format. The storage class is the marker
 * of "encoded at all", so rows written before migration 9 (TEXT) read unchanged and no row needs a flag column.
 *
 * Format 2 (written) is Brotli, quality 5, of the UTF-8 text: real mail shrinks to 0.24 of its size (3,000 git patch
 * mails, 52 MB: Brotli 5 0.243 in 1.7 s CPU, 6 0.240 in 1.8 s; raw DEFLATE 6 0.267 in 1.5 s, 9 0.265 in 2.0 s).
 * Format 3 (written for text longer than {@link BLOCK_CHARS}, migration 11) is the text cut into blocks of
 * BLOCK_CHARS UTF-16 units, each Brotli-5 compressed on its own: after the format byte, a uint32 LE block count n,
 * then n pairs of uint32 LE (the block's length in UTF-16 units, its compressed length), then the compressed blocks
 * in order. A search hit's snippet needs one chunk (~2,000 characters) of its memory: it inflates the one or two
 * blocks holding it instead of the whole text (a hit in a 640 KB patch: 64 KB instead of 640 KB, whose inflating and
 * decoding were most of a CLI search of mail). Independent blocks cost 13% more space on such texts (580 patches of
 * the 20k-mail bench over 32 KB: 0.208 → 0.236 of their size; 32 K blocks 0.248).
 * Format 1 (read only) is raw DEFLATE, written by the first build of migration 9. All are in every language's
 * standard library, so the file stays readable without Tributary.
 */
const DEFLATE = 1;
const BROTLI = 2;
const BLOCKS = 3;

/** Text longer than this many UTF-16 units is stored in blocks of this size (format 3). */
export const BLOCK_CHARS = 65_536;

/** Below this many characters compression saves too little to pay for itself (chat messages stay plain text). */
export const COMPRESS_MIN_CHARS = 256;

const brotli = (text: string): Buffer =>
  brotliCompressSync(text, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: text.length },
  });

/** The stored value of `text`: the text itself, or a format-2 (format-3 when long) BLOB when that is clearly smaller. */
export function encodeContent(text: string): string | Buffer {
  if (text.length < COMPRESS_MIN_CHARS) return text;
  const out = text.length > BLOCK_CHARS ? encodeBlocks(text) : Buffer.concat([Buffer.of(BROTLI), brotli(text)]);
  // Incompressible text (already-encoded data) stays plain: reading it back costs nothing then.
  return out.length >= Buffer.byteLength(text) * 0.9 ? text : out;
}

/** Format 3: the text in blocks of BLOCK_CHARS units, never splitting a surrogate pair (a block is valid UTF-16). */
function encodeBlocks(text: string): Buffer {
  const blocks: Array<{ chars: number; packed: Buffer }> = [];
  for (let at = 0; at < text.length;) {
    let end = Math.min(text.length, at + BLOCK_CHARS);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
    blocks.push({ chars: end - at, packed: brotli(text.slice(at, end)) });
    at = end;
  }
  const head = Buffer.allocUnsafe(5 + 8 * blocks.length);
  head[0] = BLOCKS;
  head.writeUInt32LE(blocks.length, 1);
  blocks.forEach((b, i) => {
    head.writeUInt32LE(b.chars, 5 + 8 * i);
    head.writeUInt32LE(b.packed.length, 9 + 8 * i);
  });
  return Buffer.concat([head, ...blocks.map((b) => b.packed)]);
}

/**
 * The text in [at, at + len) of a format-3 value, inflating only the blocks that hold it (all of them without a
 * range).
 */
function decodeBlocks(buf: Buffer, at = 0, len = Number.POSITIVE_INFINITY): string {
  const n = buf.readUInt32LE(1);
  let packedAt = 5 + 8 * n;
  let charAt = 0;
  let text = '';
  let from = -1;
  for (let i = 0; i < n && charAt < at + len; i++) {
    const chars = buf.readUInt32LE(5 + 8 * i);
    const packed = buf.readUInt32LE(9 + 8 * i);
    if (charAt + chars > at) {
      if (from < 0) from = charAt;
      const block = buf.subarray(packedAt, packedAt + packed);
      const need = at + len - charAt;
      text += (need < chars && blockPrefix(block, need, chars)) || brotliDecompressSync(block).toString('utf8');
    }
    charAt += chars;
    packedAt += packed;
  }
  if (from < 0) return '';
  return len === Number.POSITIVE_INFINITY && at === 0 ? text : text.slice(at - from, at - from + len);
}

/**
 * At least the first `need` of a block's `chars` UTF-16 units, inflating only a share of its Brotli stream (the part
 * of the block before a span's end: on average half of it); undefined when that share did not hold them. A truncated
 * stream inflates to an exact prefix of the text; its last UTF-8 sequence may be cut, which decodes to at most three
 * U+FFFD at the very end, hence the margin.
 */
function blockPrefix(block: Buffer, need: number, chars: number): string | undefined {
  const take = Math.ceil((block.length * need) / chars) + 1024;
  if (take >= block.length) return undefined;
  try {
    const part = brotliDecompressSync(block.subarray(0, take), {
      finishFlush: constants.BROTLI_OPERATION_FLUSH,
    }).toString('utf8');
    return part.length >= need + 3 ? part.slice(0, need) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The text [at, at + len) (UTF-16 units, a chunk's span) of a stored value: what `decodeContent(value).slice(at,
 * at + len)` returns, inflating only the blocks that hold it when the value is in blocks (format 3).
 */
export function decodeSpan(value: unknown, at: number, len: number): string {
  const buf = asBuffer(value);
  if (buf && buf.length > 0 && buf[0] === BLOCKS) return decodeBlocks(buf, at, len);
  return decodeContent(value).slice(at, at + len);
}

const asBuffer = (value: unknown): Buffer | undefined =>
  Buffer.isBuffer(value)
    ? value
    : value instanceof Uint8Array
      ? Buffer.from(value.buffer, value.byteOffset, value.byteLength)
      : undefined;

/** The text of a stored value (TEXT as is, a BLOB inflated). */
export function decodeContent(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  const buf = asBuffer(value);
  if (buf) {
    if (buf.length === 0) return '';
    if (buf[0] === BROTLI) return brotliDecompressSync(buf.subarray(1)).toString('utf8');
    if (buf[0] === BLOCKS) return decodeBlocks(buf);
    if (buf[0] === DEFLATE) return inflateRawSync(buf.subarray(1)).toString('utf8');
    throw new TributaryError(
      'unsupported',
      `A memory's stored text has format ${buf[0]}, unknown to this version (written by a newer Tributary?).`,
    );
  }
  return String(value);
}

/** A row with its `content` column decoded (rows read with `SELECT m.*`). */
export function withContent<T extends { content?: unknown }>(row: T): T & { content: string } {
  return row ? { ...row, content: decodeContent(row.content) } : row;
}
