import { defineConnector } from '@tributary/sdk';
import { locateConversations } from './client.js';
import { readExport } from './read.js';
import { chatgptExportManifest } from './manifest.js';

/**
 * ChatGPT conversations from a data export's conversations.json: one memory per conversation along its current
 * branch; a newer export turns updated conversations into new versions and drops deleted ones on a full refresh.
 */
export const chatgptExportConnector = defineConnector({
  manifest: chatgptExportManifest,
  async check(ctx) {
    try {
      const { file } = await locateConversations(ctx.config.exportPath);
      return { ok: true, message: `${file} found.` };
    } catch (err) {
      return { ok: false, message: (err as Error).message };
    }
  },
  read: (ctx) => readExport(ctx),
});

export default chatgptExportConnector;
