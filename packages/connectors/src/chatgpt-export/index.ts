import { defineConnector } from '@tributary/sdk';
import { ChatgptCheckpointSchema } from './checkpoint.js';
import { locateConversations } from './client.js';
import { ChatgptExportConfigSchema } from './config.js';
import { readExport } from './read.js';

/**
 * ChatGPT conversations from a data export's conversations.json: one memory per conversation along its current
 * branch; a newer export turns updated conversations into new versions and drops deleted ones on a full refresh.
 */
export const chatgptExportConnector = defineConnector({
  manifest: {
    name: 'chatgpt-export',
    version: '1.0.0',
    sdk: '^1.0.0',
    title: 'ChatGPT export',
    description: 'Conversations from a ChatGPT data export (conversations.json), one memory per conversation.',
    auth: { type: 'none' },
    kind: 'local',
    config: ChatgptExportConfigSchema,
    checkpoint: ChatgptCheckpointSchema,
    streams: ['conversations'],
    capabilities: { incremental: true, deletions: true, webhooks: false, fullRefresh: true, local: true },
  },
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
