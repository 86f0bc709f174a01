import { defineManifest } from '@tributary/sdk';
import { XArchiveCheckpointSchema, XArchiveConfigSchema } from './config.js';

/** The `x-archive` connector without its code: the registry lists it and validates sources from this alone. */
export const xArchiveManifest = defineManifest({
  name: 'x-archive',
  version: '1.0.0',
  sdk: '^1.0.0',
  title: 'X (Twitter) archive',
  description: 'Tweets from an X/Twitter data archive (.zip or folder): links expanded, threads and edits folded.',
  auth: { type: 'none' },
  config: XArchiveConfigSchema,
  checkpoint: XArchiveCheckpointSchema,
  features: {},
  streams: ['tweets'],
  capabilities: { incremental: true, deletions: false, webhooks: false, fullRefresh: true, local: true },
  kind: 'local',
});
