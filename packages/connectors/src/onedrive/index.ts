import { defineConnector, isTributaryError } from '@tributary/sdk';
import { GraphClient } from './client.js';
import { discoverFolders } from './discover.js';
import { onedriveOnRemove, onedrivePushRenewAt } from './lifecycle.js';
import { onedriveManifest } from './manifest.js';
import { readOneDrive } from './read.js';
import { handleGraphNotification } from './webhook.js';

export { ONEDRIVE_SCOPES } from './manifest.js';

/**
 * OneDrive and SharePoint document libraries through `@microsoft/microsoft-graph-client`: the delta query on the
 * drive root (a full round first, then changes from the delta link; 410 Gone → clean re-sync), files downloaded and
 * extracted (PDF, DOCX, XLSX, PPTX, HTML, text, code), deletions as tombstones, folder include/exclude, change
 * notifications through a Graph subscription.
 */
export const onedriveConnector = defineConnector({
  manifest: onedriveManifest,

  async check(ctx) {
    try {
      const client = new GraphClient(ctx);
      const root = await client.item(`${client.drivePath}/root`);
      return { ok: true, message: `OneDrive is readable (root folder ${root.id})` };
    } catch (err) {
      return {
        ok: false,
        message: isTributaryError(err) ? `${err.code}: ${err.message}` : String((err as Error)?.message ?? err),
      };
    }
  },

  discover: discoverFolders,

  read: readOneDrive,

  async webhook(ctx, request) {
    return handleGraphNotification(ctx.config, request);
  },

  pushRenewAt: onedrivePushRenewAt,
  onRemove: onedriveOnRemove,
});

export default onedriveConnector;
