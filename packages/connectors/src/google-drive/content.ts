import { isTributaryError, type ContentType } from '@tributary/sdk';
import { extract, UnreadableFile } from '../files/extract.js';
import { fileTypeOf, type FileType } from '../files/types.js';
import type { DriveClient, DriveFile } from './client.js';

/** Google Docs editors types and what they are exported as (https://developers.google.com/drive/api/guides/ref-export-formats). */
export const EXPORTS: Record<string, { mimeType: string; contentType: ContentType }> = {
  'application/vnd.google-apps.document': { mimeType: 'text/markdown', contentType: 'markdown' },
  'application/vnd.google-apps.spreadsheet': { mimeType: 'text/csv', contentType: 'text' },
  'application/vnd.google-apps.presentation': { mimeType: 'text/plain', contentType: 'text' },
};

const BY_MIME: Record<string, FileType> = {
  'application/pdf': { kind: 'pdf' },
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': { kind: 'docx' },
  'text/markdown': { kind: 'markdown' },
  'text/html': { kind: 'html' },
  'text/plain': { kind: 'text' },
  'text/csv': { kind: 'text' },
};

/** How a stored (non-Google) file is read: by its extension as the `files` connector does, else by MIME type. */
export function storedTypeOf(f: DriveFile): FileType | undefined {
  return fileTypeOf(f.name ?? '') ?? BY_MIME[f.mimeType ?? ''];
}

/** Whether a file has text the connector can read (exported or extracted). */
export const readable = (f: DriveFile): boolean => !!EXPORTS[f.mimeType ?? ''] || !!storedTypeOf(f);

export type Content = { content: string; contentType: ContentType; title?: string } | { skipped: string };

/**
 * The text of a file: Google Docs/Sheets/Slides exported (Markdown, CSV of the first sheet, plain text), other files
 * downloaded and read by the file extractors (PDF, DOCX, HTML, text, code) when under `maxBytes`.
 */
export async function contentOf(client: DriveClient, f: DriveFile, maxBytes: number): Promise<Content> {
  const exp = EXPORTS[f.mimeType ?? ''];
  try {
    if (exp) return { content: (await client.export(f.id!, exp.mimeType)).trim(), contentType: exp.contentType };
    const type = storedTypeOf(f);
    if (!type) return { skipped: `${f.mimeType} is not a type the extractors read` };
    const size = Number(f.size ?? 0);
    if (size > maxBytes) return { skipped: `${size} bytes is over maxFileMb` };
    const out = await extract(await client.download(f.id!), type);
    return { content: out.content, contentType: out.contentType, ...(out.title ? { title: out.title } : {}) };
  } catch (err) {
    if (err instanceof UnreadableFile) return { skipped: err.message };
    // Too large to export (Google's 10 MB limit), or not downloadable: the file is reported, the sync goes on.
    if (
      isTributaryError(err) &&
      (err.details?.googleReason === 'exportSizeLimitExceeded' || err.details?.googleReason === 'fileNotDownloadable')
    )
      return { skipped: err.message };
    throw err;
  }
}
