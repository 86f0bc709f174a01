import mammoth from 'mammoth';
import TurndownService from 'turndown';
import type { ContentType } from '@tributary/sdk';
import type { FileType } from './types.js';

/** Text drawn from a file, ready to become an item. */
export interface Extracted {
  content: string;
  contentType: ContentType;
  /** A title found inside the document (HTML `<title>`, PDF Title). */
  title?: string;
  metadata: Record<string, unknown>;
}

/** A file that is not what its name says (binary bytes in a .txt, a corrupt PDF). */
export class UnreadableFile extends Error {
  override readonly name = 'UnreadableFile';
  /** True when the file is simply binary (skipped quietly unless `include` asked for it). */
  readonly binary: boolean;
  constructor(message: string, binary = false) {
    super(message);
    this.binary = binary;
  }
}

function turndown(): TurndownService {
  const t = new TurndownService({ headingStyle: 'atx', codeBlockStyle: 'fenced', bulletListMarker: '-' });
  t.remove(['script', 'style', 'noscript', 'template', 'iframe', 'head']);
  return t;
}

/** Looks for NUL bytes in the first 8 KB, as git and grep do, to tell binary from text. */
export function looksBinary(buf: Buffer): boolean {
  return buf.subarray(0, 8192).includes(0);
}

function decodeText(buf: Buffer): string {
  if (looksBinary(buf)) throw new UnreadableFile('binary content in a text file', true);
  const text = buf.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function decodeEntities(s: string): string {
  return s.replace(
    /&(amp|lt|gt|quot|#39|apos|nbsp);/g,
    (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'", nbsp: ' ' })[e] ?? _,
  );
}

/** HTML → Markdown (turndown); scripts and styles dropped; `<title>` kept as the title. */
export function htmlToMarkdown(html: string): { markdown: string; title?: string } {
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1]?.replace(/\s+/g, ' ').trim();
  const markdown = turndown().turndown(html).trim();
  return { markdown, ...(title ? { title: decodeEntities(title) } : {}) };
}

async function pdfToText(buf: Buffer): Promise<Extracted> {
  // Node needs pdf.js's legacy build; it runs its worker in-process ("fake worker").
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  let doc;
  try {
    doc = await getDocument({
      data: new Uint8Array(buf),
      isEvalSupported: false,
      disableFontFace: true,
      useSystemFonts: false,
      verbosity: 0,
    }).promise;
  } catch (err) {
    throw new UnreadableFile(`not a readable PDF (${(err as Error).message})`);
  }
  try {
    const pages: string[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const tc = await page.getTextContent();
      pages.push(
        tc.items
          .map((i) => ('str' in i ? i.str + (i.hasEOL ? '\n' : '') : ''))
          .join('')
          .trim(),
      );
      page.cleanup();
    }
    const info = (await doc.getMetadata().catch(() => undefined))?.info as Record<string, unknown> | undefined;
    const title = typeof info?.Title === 'string' && info.Title.trim() ? info.Title.trim() : undefined;
    const author = typeof info?.Author === 'string' && info.Author.trim() ? info.Author.trim() : undefined;
    return {
      content: pages.join('\n\n'),
      contentType: 'text',
      ...(title ? { title } : {}),
      metadata: { pages: doc.numPages, ...(author ? { pdfAuthor: author } : {}) },
    };
  } finally {
    await doc.destroy();
  }
}

async function docxToMarkdown(buf: Buffer): Promise<Extracted> {
  let html: string;
  try {
    html = (await mammoth.convertToHtml({ buffer: buf })).value;
  } catch (err) {
    throw new UnreadableFile(`not a readable DOCX (${(err as Error).message})`);
  }
  return { content: turndown().turndown(html).trim(), contentType: 'markdown', metadata: {} };
}

/**
 * Turns a file's bytes into text by its type: text and code as they are, Markdown as it is, HTML and DOCX to
 * Markdown, PDF to plain text.
 * @throws UnreadableFile when the bytes do not fit the type
 */
export async function extract(buf: Buffer, type: FileType): Promise<Extracted> {
  switch (type.kind) {
    case 'text':
      return { content: decodeText(buf), contentType: 'text', metadata: {} };
    case 'markdown':
      return { content: decodeText(buf), contentType: 'markdown', metadata: {} };
    case 'code':
      return { content: decodeText(buf), contentType: 'code', metadata: { language: type.language } };
    case 'html': {
      const { markdown, title } = htmlToMarkdown(decodeText(buf));
      return { content: markdown, contentType: 'markdown', ...(title ? { title } : {}), metadata: {} };
    }
    case 'pdf':
      return pdfToText(buf);
    case 'docx':
      return docxToMarkdown(buf);
  }
}
