/**
 * The fast path of the mail parser. postal-mime 2.x collects every body line into a Blob of two parts per line and
 * reads it back, which Node does slowly: on real single-part mail (patches, lists, plain replies) that was about
 * half of a sync's CPU. A single-part `text/plain` message in a charset TextDecoder knows, sent 7bit/8bit/binary,
 * needs no MIME decoding at all: its body is its bytes. For such a message only the header section goes through
 * postal-mime (addresses, encoded words, dates), and the body is decoded here, exactly as postal-mime would.
 * Anything else (multipart, quoted-printable, base64, format=flowed, a Content-Disposition, an unusual charset or
 * parameter) takes the full parse. (postal-mime 4 fixed the Blob, but changed how it reads legacy and malformed mail;
 * see docs/dependencies.md.)
 */

/** Charsets whose labels TextDecoder and postal-mime resolve alike (us-ascii and latin1 both mean windows-1252). */
const CHARSETS = new Set(['utf-8', 'utf8', 'us-ascii', 'ascii', 'iso-8859-1', 'latin1', 'windows-1252', 'cp1252']);
const ENCODINGS = new Set(['7bit', '8bit', 'binary']);
const MAX_HEADER = 256 * 1024;

export interface SimpleMessage {
  /** The header section with the blank line that ends it (a message with no body, for postal-mime). */
  header: Uint8Array;
  /** The body as text. */
  text: string;
}

/** The header and decoded body of a simple single-part text message; undefined when it needs the full parse. */
export function splitSimpleText(raw: Uint8Array): SimpleMessage | undefined {
  const bodyStart = headerEnd(raw);
  if (bodyStart === undefined) return undefined;
  const head = Buffer.from(raw.buffer, raw.byteOffset, bodyStart).toString('latin1');
  let type: string | undefined;
  let encoding: string | undefined;
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'content-disposition') return undefined;
    if (name === 'content-type') {
      if (type !== undefined) return undefined;
      type = value;
    } else if (name === 'content-transfer-encoding') {
      if (encoding !== undefined) return undefined;
      encoding = value.toLowerCase();
    }
  }
  if (encoding !== undefined && !ENCODINGS.has(encoding)) return undefined;
  const charset = type === undefined ? 'utf-8' : plainCharset(type);
  if (charset === undefined) return undefined;
  return {
    header: raw.subarray(0, bodyStart),
    text: new TextDecoder(charset).decode(raw.subarray(bodyStart)),
  };
}

/** `text/plain` with at most a charset parameter: the TextDecoder label (postal-mime's default is utf-8). */
function plainCharset(type: string): string | undefined {
  if (type.includes('(')) return undefined; // header comments: leave them to the real parser
  const [media, ...params] = type.split(';');
  if (media!.trim().toLowerCase() !== 'text/plain') return undefined;
  let charset = 'utf-8';
  for (const p of params) {
    if (!p.trim()) continue;
    const eq = p.indexOf('=');
    if (eq < 0 || p.slice(0, eq).trim().toLowerCase() !== 'charset') return undefined;
    charset = p
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .toLowerCase();
  }
  return CHARSETS.has(charset) ? charset : undefined;
}

/** Offset of the body: just past the first empty line (LF or CRLF); undefined when there is none. */
function headerEnd(raw: Uint8Array): number | undefined {
  const limit = Math.min(raw.byteLength, MAX_HEADER);
  for (let i = raw.indexOf(0x0a); i >= 0 && i < limit; i = raw.indexOf(0x0a, i + 1)) {
    if (raw[i + 1] === 0x0a) return i + 2;
    if (raw[i + 1] === 0x0d && raw[i + 2] === 0x0a) return i + 3;
  }
  return undefined;
}
