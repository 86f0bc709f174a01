import { defineConnector, isTributaryError } from '@tributary/sdk';
import { DriveClient, FOLDER_MIME } from './client.js';
import { googleDriveManifest } from './manifest.js';
import { readDrive } from './read.js';
import { handleDrivePush } from './webhook.js';
import { driveOnRemove, drivePushRenewAt } from './lifecycle.js';

export { DRIVE_SCOPES } from './manifest.js';

/**
 * Google Drive through the official client (`@googleapis/drive`): files listed once, then the change log;
 * Google Docs/Sheets/Slides exported, other files downloaded and read by the file extractors; removed, trashed and
 * unshared files as tombstones; shared drives; folder include/exclude; `changes.watch` push.
 */
export const googleDriveConnector = defineConnector({
  manifest: googleDriveManifest,

  async check(ctx) {
    try {
      const client = new DriveClient(ctx);
      const res = await client.list(`mimeType = '${FOLDER_MIME}' and trashed = false`, undefined, 1);
      void res;
      return { ok: true, message: 'Google Drive is readable' };
    } catch (err) {
      return {
        ok: false,
        message: isTributaryError(err) ? `${err.code}: ${err.message}` : String((err as Error)?.message ?? err),
      };
    }
  },

  async discover(ctx) {
    const client = new DriveClient(ctx);
    const out = [];
    let token: string | undefined;
    do {
      const res = await client.list(`mimeType = '${FOLDER_MIME}' and trashed = false`, token, 1000);
      for (const f of res.files ?? [])
        if (f.id) out.push({ id: f.id, name: f.name ?? f.id, kind: 'folder', metadata: { parent: f.parents?.[0] } });
      token = res.nextPageToken ?? undefined;
    } while (token);
    return out;
  },

  read: readDrive,

  async webhook(ctx, request) {
    return handleDrivePush(ctx.config, request, ctx.clock.now());
  },

  pushRenewAt: drivePushRenewAt,
  onRemove: driveOnRemove,
});

export default googleDriveConnector;
