import { defineManifest } from '@tributary/sdk';
import { BrowserHistoryCheckpointSchema } from './checkpoint.js';
import { BrowserHistoryConfigSchema } from './config.js';

/** The `browser-history` connector without its code: the registry lists it and validates sources from this alone. */
export const browserHistoryManifest = defineManifest({
  name: 'browser-history',
  version: '1.0.0',
  sdk: '^1.0.0',
  title: 'Browser history',
  description:
    'Pages you visited in Chrome, Chromium, Edge, Brave, Firefox or Safari (read from a copy of the history database).',
  auth: { type: 'none' },
  config: BrowserHistoryConfigSchema,
  checkpoint: BrowserHistoryCheckpointSchema,
  features: {
    visits: { default: false, description: 'One item per visit (stream `visits`) instead of one per page.' },
  },
  streams: ['pages', 'visits', 'downloads'],
  capabilities: { incremental: true, deletions: false, webhooks: false, fullRefresh: true, local: true },
  kind: 'local',
});
