import { defineManifest } from '@tributary/sdk';
import { SlackCheckpointSchema } from './checkpoint.js';
import { SlackConfigSchema } from './config.js';

/** Least-privilege scopes: read channels, private channels and DMs, and user names. */
export const SLACK_SCOPES = [
  'channels:history',
  'channels:read',
  'groups:history',
  'groups:read',
  'im:history',
  'im:read',
  'users:read',
];

/** The `slack` connector without its code: the registry lists it and validates sources from this alone. */
export const slackManifest = defineManifest({
  name: 'slack',
  version: '1.0.0',
  sdk: '^1.0.0',
  title: 'Slack',
  description:
    'Messages from Slack channels, private channels and DMs through the Web API, with threads, names and webhooks.',
  auth: { type: 'oauth2', provider: 'slack', scopes: SLACK_SCOPES, allowToken: true },
  config: SlackConfigSchema,
  checkpoint: SlackCheckpointSchema,
  features: {
    threads: { default: true, description: 'Read thread replies (conversations.replies), grouped under their parent.' },
    reactions: { default: true, description: 'Keep reactions (name and count) in item metadata.' },
    attachments: { default: true, description: 'Keep attachment text and file metadata.' },
  },
  streams: ['messages'],
  capabilities: { incremental: true, deletions: true, webhooks: true, fullRefresh: true },
  rateLimit: {
    requests: 50,
    perSeconds: 60,
    burst: 20,
    description: 'Slack Tier 3 (conversations.history/replies): 50+ per minute per workspace',
  },
  kind: 'cloud',
});
