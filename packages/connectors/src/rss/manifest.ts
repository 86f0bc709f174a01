import { defineManifest } from '@tributary/sdk';
import { RssCheckpointSchema, RssConfigSchema } from './config.js';

/** The `rss` connector without its code: the registry lists it and validates sources from this alone. */
export const rssManifest = defineManifest({
  name: 'rss',
  version: '1.0.0',
  sdk: '^1.0.0',
  title: 'RSS / Atom / JSON Feed',
  description:
    'Entries of an RSS, Atom or JSON feed (blogs, Substack, Medium, YouTube channels) with their full content.',
  auth: { type: 'none' },
  config: RssConfigSchema,
  checkpoint: RssCheckpointSchema,
  features: {},
  streams: ['entries'],
  capabilities: { incremental: true, deletions: false, webhooks: false, fullRefresh: true },
  rateLimit: { requests: 1, perSeconds: 1, description: 'Be polite to feed servers: one request a second at most.' },
  kind: 'cloud',
});
