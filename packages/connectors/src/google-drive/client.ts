import { drive, type drive_v3 } from '@googleapis/drive';
import type { ConnectorContext } from '@tributary/sdk';
import { GoogleCaller } from '../lib/google/caller.js';
import type { GoogleDriveConfig } from './config.js';

export type DriveFile = drive_v3.Schema$File;
export const FOLDER_MIME = 'application/vnd.google-apps.folder';

/** The file fields every listing and change asks for (Drive returns only id, name and mimeType otherwise). */
export const FILE_FIELDS =
  'id,name,mimeType,parents,driveId,trashed,createdTime,modifiedTime,version,size,md5Checksum,webViewLink,owners(displayName,emailAddress),lastModifyingUser(displayName,emailAddress)';

/** A thin typed client over `@googleapis/drive` (per-user request rate: cost 1 per call). */
export class DriveClient {
  readonly caller: GoogleCaller;
  private readonly api: drive_v3.Drive;
  private readonly all: { supportsAllDrives: boolean; includeItemsFromAllDrives: boolean };

  constructor(ctx: ConnectorContext<GoogleDriveConfig>) {
    this.caller = new GoogleCaller(ctx, 'Google Drive');
    const root = ctx.config.rootUrl.endsWith('/') ? ctx.config.rootUrl : `${ctx.config.rootUrl}/`;
    this.api = drive({ version: 'v3', rootUrl: root });
    this.all = { supportsAllDrives: true, includeItemsFromAllDrives: ctx.config.sharedDrives };
  }

  list(q: string, pageToken: string | undefined, pageSize: number): Promise<drive_v3.Schema$FileList> {
    return this.caller.call('files.list', 1, (o) =>
      this.api.files.list(
        {
          q,
          pageSize,
          fields: `nextPageToken,files(${FILE_FIELDS})`,
          ...this.all,
          ...(this.all.includeItemsFromAllDrives ? { corpora: 'allDrives' } : {}),
          ...(pageToken ? { pageToken } : {}),
        },
        o,
      ),
    );
  }

  /** A Google Docs editors file exported as `mimeType` (text). */
  async export(fileId: string, mimeType: string): Promise<string> {
    const data = await this.caller.call('files.export', 1, (o) =>
      this.api.files.export({ fileId, mimeType }, { ...o, responseType: 'text' }),
    );
    return String(data);
  }

  /** A file's bytes (`alt=media`). */
  async download(fileId: string): Promise<Buffer> {
    const data = await this.caller.call('files.get', 1, (o) =>
      this.api.files.get({ fileId, alt: 'media', supportsAllDrives: true }, { ...o, responseType: 'arraybuffer' }),
    );
    return Buffer.from(data as unknown as ArrayBuffer);
  }

  async startPageToken(): Promise<string> {
    const res = await this.caller.call('changes.getStartPageToken', 1, (o) =>
      this.api.changes.getStartPageToken({ supportsAllDrives: true }, o),
    );
    return res.startPageToken ?? '1';
  }

  changes(pageToken: string, pageSize: number): Promise<drive_v3.Schema$ChangeList> {
    return this.caller.call('changes.list', 1, (o) =>
      this.api.changes.list(
        {
          pageToken,
          pageSize,
          includeRemoved: true,
          fields: `nextPageToken,newStartPageToken,changes(changeType,removed,fileId,time,driveId,file(${FILE_FIELDS}))`,
          ...this.all,
        },
        o,
      ),
    );
  }

  watch(pageToken: string, channel: { id: string; address: string; token: string }): Promise<drive_v3.Schema$Channel> {
    return this.caller.call('changes.watch', 1, (o) =>
      this.api.changes.watch({ pageToken, ...this.all, requestBody: { ...channel, type: 'web_hook' } }, o),
    );
  }

  async stop(id: string, resourceId: string): Promise<void> {
    await this.caller.call('channels.stop', 1, (o) => this.api.channels.stop({ requestBody: { id, resourceId } }, o));
  }
}
