import type { ContentType, Item } from '@tributary/sdk';
import type { DriveFile } from './client.js';

export const FILES_STREAM = 'files';

const who = (u: { displayName?: string | null; emailAddress?: string | null } | undefined): string | undefined => {
  if (!u) return undefined;
  if (u.displayName && u.emailAddress) return `${u.displayName} <${u.emailAddress}>`;
  return u.displayName ?? u.emailAddress ?? undefined;
};

/** A Drive file with its text as an item: owners, last modifier and web link as metadata; the folder path as container. */
export function toDriveItem(
  f: DriveFile,
  text: { content: string; contentType: ContentType; title?: string },
  folderPath: string | undefined,
): Item {
  const modifier = who(f.lastModifyingUser);
  const item: Item = {
    externalId: f.id!,
    stream: FILES_STREAM,
    content: text.content,
    contentType: text.contentType,
    title: (f.name ?? text.title ?? f.id!).slice(0, 2000),
    metadata: {
      mimeType: f.mimeType,
      owners: (f.owners ?? []).map(who).filter(Boolean),
      ...(modifier ? { lastModifiedBy: modifier } : {}),
      ...(f.driveId ? { sharedDrive: f.driveId } : {}),
      ...(f.size ? { size: Number(f.size) } : {}),
      ...(folderPath ? { folder: folderPath } : {}),
      version: f.version,
    },
  };
  if (f.webViewLink) item.url = f.webViewLink;
  if (modifier) item.author = modifier.slice(0, 512);
  if (f.modifiedTime) item.occurredAt = f.modifiedTime;
  if (folderPath) item.container = folderPath.slice(0, 1024);
  return item;
}
