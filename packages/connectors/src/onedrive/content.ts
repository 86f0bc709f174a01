import type { ContentType } from '@tributary/sdk';
import { extract, UnreadableFile } from '../files/extract.js';
import { fileTypeOf, type FileType } from '../files/types.js';
import type { DriveItem, GraphClient } from './client.js';
import { officeKindOf, officeText, type OfficeKind } from './office.js';

const BY_MIME: Record<string, FileType> = {
  'application/pdf': { kind: 'pdf' },
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': { kind: 'docx' },
  'text/markdown': { kind: 'markdown' },
  'text/html': { kind: 'html' },
  'text/plain': { kind: 'text' },
  'text/csv': { kind: 'text' },
};

type Reader = { file: FileType } | { office: OfficeKind };

/** How a file is read: by its extension as the `files` connector does (plus XLSX/PPTX), else by MIME type. */
export function readerOf(item: DriveItem): Reader | undefined {
  const name = item.name ?? '';
  const office = officeKindOf(name);
  if (office) return { office };
  const file = fileTypeOf(name) ?? BY_MIME[item.file?.mimeType ?? ''];
  return file ? { file } : undefined;
}

export type Content = { content: string; contentType: ContentType; title?: string } | { skipped: string };

/** The text of a file (downloaded, then extracted), or why it was skipped (over `maxBytes`, unreadable bytes). */
export async function contentOf(client: GraphClient, item: DriveItem, maxBytes: number): Promise<Content> {
  const reader = readerOf(item);
  if (!reader) return { skipped: `${item.file?.mimeType ?? 'this type'} is not a type the extractors read` };
  const size = item.size ?? 0;
  if (size > maxBytes) return { skipped: `${size} bytes is over maxFileMb` };
  const bytes = await client.download(item);
  if (bytes.length > maxBytes) return { skipped: `${bytes.length} bytes is over maxFileMb` };
  try {
    if ('office' in reader) return { content: officeText(bytes, reader.office), contentType: 'text' };
    const out = await extract(bytes, reader.file);
    return { content: out.content, contentType: out.contentType, ...(out.title ? { title: out.title } : {}) };
  } catch (err) {
    if (err instanceof UnreadableFile) return { skipped: err.message };
    throw err;
  }
}
