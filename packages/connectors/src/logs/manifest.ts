import { defineManifest } from '@tributary/sdk';
import { LogsCheckpointSchema } from './checkpoint.js';
import { LogsConfigSchema } from './config.js';

/** The `logs` connector without its code: the registry lists it and validates sources from this alone. */
export const logsManifest = defineManifest({
  name: 'logs',
  version: '1.0.0',
  sdk: '^1.0.0',
  title: 'HTTP access logs',
  description:
    'Access logs (combined/common, Caddy JSON, AWS ELB, IIS W3C, Jira/Confluence) from files or globs, rotation-safe.',
  auth: { type: 'none' },
  kind: 'local',
  config: LogsConfigSchema,
  checkpoint: LogsCheckpointSchema,
  features: {
    aggregate: {
      default: false,
      description:
        'Group requests by method, path template and time window (one item per group) instead of one item per request.',
    },
  },
  streams: ['requests', 'windows'],
  capabilities: { incremental: true, deletions: false, webhooks: false, fullRefresh: true, local: true },
});
