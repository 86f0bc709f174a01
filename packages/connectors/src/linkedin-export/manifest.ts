import { defineManifest } from '@tributary/sdk';
import { LinkedinCheckpointSchema } from './checkpoint.js';
import { LINKEDIN_STREAMS, LinkedinExportConfigSchema } from './config.js';

/** The `linkedin-export` connector without its code: the registry lists it and validates sources from this alone. */
export const linkedinExportManifest = defineManifest({
  name: 'linkedin-export',
  version: '1.0.0',
  sdk: '^1.0.0',
  title: 'LinkedIn data export',
  description:
    'Posts, comments, articles, messages, connections, profile and positions from a LinkedIn "Get a copy of your data" archive.',
  auth: { type: 'none' },
  kind: 'local',
  config: LinkedinExportConfigSchema,
  checkpoint: LinkedinCheckpointSchema,
  streams: [...LINKEDIN_STREAMS],
  capabilities: { incremental: true, deletions: true, webhooks: false, fullRefresh: true, local: true },
});
