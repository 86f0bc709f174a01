import { defineManifest } from '@tributary/sdk';
import { ChatgptCheckpointSchema } from './checkpoint.js';
import { ChatgptExportConfigSchema } from './config.js';

/** The `chatgpt-export` connector without its code: the registry lists it and validates sources from this alone. */
export const chatgptExportManifest = defineManifest({
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
});
