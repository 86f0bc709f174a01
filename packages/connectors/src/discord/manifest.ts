import { defineManifest } from '@tributary/sdk';
import { DiscordCheckpointSchema } from './checkpoint.js';
import { DiscordConfigSchema } from './config.js';

/** The `discord` connector without its code: the registry lists it and validates sources from this alone. */
export const discordManifest = defineManifest({
  name: 'discord',
  version: '1.0.0',
  sdk: '^1.0.0',
  title: 'Discord',
  description:
    'Messages of Discord text, announcement and forum channels and their threads, read by a bot (edits as versions, recent deletions reconciled).',
  auth: {
    type: 'token',
    description:
      'A bot token (Developer Portal → Bot → Reset Token); invite the bot with View Channels and Read Message History.',
  },
  config: DiscordConfigSchema,
  checkpoint: DiscordCheckpointSchema,
  features: {
    attachments: { default: true, description: 'List attachments (file name and link) under the message text.' },
    embeds: { default: true, description: 'Add the text of embeds (title, description, fields) to the message.' },
    realtime: {
      default: false,
      description:
        'Under `up`, listen to the Gateway: new, edited and deleted messages trigger a sync of their channel at once (needs the Message Content intent).',
    },
  },
  streams: ['messages'],
  capabilities: { incremental: true, deletions: true, webhooks: false, fullRefresh: true },
  // Discord's global limit is 50 requests per second per bot; per-route buckets are read from X-RateLimit-* headers.
  rateLimit: {
    requests: 50,
    perSeconds: 1,
    burst: 50,
    description: 'Discord: 50 requests per second per bot (global)',
  },
  kind: 'cloud',
  author: 'Tributary',
});
