import { loadHtmlToText } from '../lazy-require.js';
import type { ContentType } from '@tributary/sdk';

/**
 * Normalization makes equal content look equal whatever path it came by: HTML becomes text (links kept),
 * line endings and Unicode forms are unified, trailing spaces and runs of blank lines collapse.
 */
export function normalizeContent(
  content: string,
  contentType: ContentType,
): { content: string; contentType: ContentType } {
  let text = content;
  let type = contentType;
  if (type === 'html') {
    text = loadHtmlToText().convert(text, {
      wordwrap: false,
      selectors: [
        { selector: 'img', format: 'skip' },
        { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
      ],
    });
    type = 'text';
  }
  return { content: normalizeWhitespace(text, type === 'code'), contentType: type };
}

export function normalizeWhitespace(text: string, preserveIndent = false): string {
  let out = text;
  // Fast path: most chat-sized items are already clean.
  if (/[\r\u0000]|[ \t]\n|\n{3,}|[^\x00-\x7f]/.test(out) || out !== out.trim()) {
    out = out.replace(/\r\n?/g, '\n').replace(/\u0000/g, '');
    if (/[^\x00-\x7f]/.test(out)) out = out.normalize('NFC');
    out = out.replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n');
    out = preserveIndent ? out.replace(/^\n+|\s+$/g, '') : out.trim();
  }
  return out;
}

export function normalizeTitle(title: string | undefined): string | null {
  if (title === undefined) return null;
  const t = title.replace(/\s+/g, ' ').trim();
  return t === '' ? null : t;
}
