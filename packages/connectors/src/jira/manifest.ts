import { defineManifest } from '@tributary/sdk';
import { JiraCheckpointSchema } from './checkpoint.js';
import { JiraConfigSchema } from './config.js';

/** The `jira` connector without its code: the registry lists it and validates sources from this alone. */
export const jiraManifest = defineManifest({
  name: 'jira',
  version: '1.0.0',
  sdk: '^1.0.0',
  title: 'Jira',
  description: 'Issues and comments from Jira Cloud (REST v3), as Markdown, with changelog metadata and webhooks.',
  auth: {
    type: 'oauth2',
    provider: 'atlassian',
    scopes: ['read:jira-work', 'read:jira-user', 'offline_access'],
    allowToken: true,
  },
  config: JiraConfigSchema,
  checkpoint: JiraCheckpointSchema,
  features: {},
  streams: ['issues', 'comments'],
  capabilities: { incremental: true, deletions: true, webhooks: true, fullRefresh: true },
  // Jira Cloud's limits are cost-based and undisclosed; ~10 requests/s per user stays clear of them in practice.
  rateLimit: { requests: 10, perSeconds: 1, burst: 20, description: 'Jira Cloud: cost-based; 429 with Retry-After' },
  kind: 'cloud',
});
