/**
 * Structure-aware chunking: markdown headings open sections; long sections split at paragraph, then line, then
 * sentence boundaries into chunks of at most `maxChars`, consecutive pieces sharing `overlap` characters so a
 * phrase cut at a boundary is still found. Short items (most chat messages) stay one chunk.
 */
export interface ChunkOptions {
  /** @default 2000 */
  maxChars?: number;
  /** @default 200 */
  overlap?: number;
}

export interface Chunk {
  seq: number;
  text: string;
  heading: string | null;
}

export function chunkContent(content: string, contentType: string, options: ChunkOptions = {}): Chunk[] {
  const max = options.maxChars ?? 2000;
  const overlap = Math.min(options.overlap ?? 200, Math.floor(max / 4));
  if (content.length <= max) return [{ seq: 0, text: content, heading: null }];
  const sections = contentType === 'markdown' ? splitByHeadings(content) : [{ heading: null, text: content }];
  const chunks: Chunk[] = [];
  for (const section of sections) {
    for (const piece of splitBounded(section.text, max, overlap, contentType === 'code')) {
      if (piece.trim()) chunks.push({ seq: chunks.length, text: piece, heading: section.heading });
    }
  }
  return chunks.length ? chunks : [{ seq: 0, text: content.slice(0, max), heading: null }];
}

function splitByHeadings(md: string): Array<{ heading: string | null; text: string }> {
  const out: Array<{ heading: string | null; text: string }> = [];
  let heading: string | null = null;
  let buf: string[] = [];
  let inFence = false;
  for (const line of md.split('\n')) {
    if (/^(```|~~~)/.test(line)) inFence = !inFence;
    const m = !inFence ? /^(#{1,6})\s+(.*)$/.exec(line) : null;
    if (m) {
      if (buf.join('\n').trim()) out.push({ heading, text: buf.join('\n') });
      heading = m[2]!.trim();
      buf = [line];
    } else buf.push(line);
  }
  if (buf.join('\n').trim()) out.push({ heading, text: buf.join('\n') });
  return out;
}

function splitBounded(text: string, max: number, overlap: number, code: boolean): string[] {
  if (text.length <= max) return [text];
  const separators = code ? ['\n\n', '\n'] : ['\n\n', '\n', '. ', ' '];
  const pieces: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + max);
    if (end < text.length) {
      // Cut at the last good boundary in the second half of the window.
      for (const sep of separators) {
        const at = text.lastIndexOf(sep, end);
        if (at > start + max / 2) {
          end = at + sep.length;
          break;
        }
      }
    }
    pieces.push(text.slice(start, end));
    if (end >= text.length) break;
    start = Math.max(start + 1, end - overlap);
  }
  return pieces;
}
