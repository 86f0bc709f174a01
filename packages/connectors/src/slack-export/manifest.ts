import { defineManifest } from '@tributary/sdk';
import { SlackExportCheckpointSchema, SlackExportConfigSchema } from './config.js';

/** The `slack-export` connector without its code: the registry lists it and validates sources from this alone. */
export const slackExportManifest = defineManifest({
  name: 'slack-export',
  version: '1.0.0',
  sdk: '^1.0.0',
  title: 'Slack export',
  description: 'Messages from a Slack workspace export (.zip or folder): channels, threads, names and files.',
  auth: { type: 'none' },
  config: SlackExportConfigSchema,
  checkpoint: SlackExportCheckpointSchema,
  features: {},
  streams: ['messages'],
  capabilities: { incremental: true, deletions: false, webhooks: false, fullRefresh: true, local: true },
  kind: 'local',
});
