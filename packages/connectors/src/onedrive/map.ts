import type { ContentType, Item } from '@tributary/sdk';
import type { DriveItem } from './client.js';

export const FILES_STREAM = 'files';

const who = (u: { displayName?: string; email?: string } | undefined): string | undefined => {
  if (!u) return undefined;
  if (u.displayName && u.email) return `${u.displayName} <${u.email}>`;
  return u.displayName ?? u.email ?? undefined;
};

/** A driveItem with its text as an item: web URL, folder path and last modifier as metadata; the path as container. */
export function toOneDriveItem(
  f: DriveItem,
  text: { content: string; contentType: ContentType; title?: string },
  folderPath: string | undefined,
): Item {
  const modifier = who(f.lastModifiedBy?.user);
  const creator = who(f.createdBy?.user);
  const path = folderPath ? `${folderPath}/${f.name ?? f.id}` : (f.name ?? f.id);
  const item: Item = {
    externalId: f.id,
    stream: FILES_STREAM,
    content: text.content,
    contentType: text.contentType,
    title: (f.name ?? text.title ?? f.id).slice(0, 2000),
    metadata: {
      path,
      ...(f.file?.mimeType ? { mimeType: f.file.mimeType } : {}),
      ...(modifier ? { lastModifiedBy: modifier } : {}),
      ...(creator ? { createdBy: creator } : {}),
      ...(f.size !== undefined ? { size: f.size } : {}),
      ...(f.parentReference?.driveId ? { driveId: f.parentReference.driveId } : {}),
      ...(f.cTag ? { cTag: f.cTag } : {}),
    },
  };
  if (f.webUrl) item.url = f.webUrl;
  if (modifier) item.author = modifier.slice(0, 512);
  if (f.lastModifiedDateTime) item.occurredAt = f.lastModifiedDateTime;
  if (folderPath) item.container = folderPath.slice(0, 1024);
  return item;
}
