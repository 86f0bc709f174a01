import { pathToFileURL } from 'node:url';
import type { Item } from '@tributary/sdk';
import { MAX_CONTENT_CHARS } from './config.js';
import type { Extracted } from './extract.js';
import type { FileType } from './types.js';

export interface FileFacts {
  rel: string;
  abs: string;
  rootName: string;
  mtimeMs: number;
  size: number;
  type: FileType;
  extracted: Extracted;
}

/** Maps an extracted file to an item: id = root-relative path, occurredAt = modification time. */
export function toFileItem(f: FileFacts): Item {
  const name = f.rel.slice(f.rel.lastIndexOf('/') + 1);
  const folder = f.rel.includes('/') ? f.rel.slice(0, f.rel.lastIndexOf('/')) : '';
  let content = f.extracted.content;
  const truncated = content.length > MAX_CONTENT_CHARS;
  if (truncated) content = content.slice(0, MAX_CONTENT_CHARS);
  const dot = name.lastIndexOf('.');
  return {
    externalId: f.rel,
    stream: 'files',
    content,
    contentType: f.extracted.contentType,
    title: (f.extracted.title ?? name).slice(0, 2000),
    url: pathToFileURL(f.abs).href,
    occurredAt: new Date(f.mtimeMs).toISOString(),
    container: folder || f.rootName,
    metadata: {
      path: f.rel,
      fileName: name,
      extension: dot > 0 ? name.slice(dot + 1).toLowerCase() : '',
      kind: f.type.kind,
      size: f.size,
      modifiedAt: new Date(f.mtimeMs).toISOString(),
      ...(truncated ? { truncated: true } : {}),
      ...f.extracted.metadata,
    },
  };
}
