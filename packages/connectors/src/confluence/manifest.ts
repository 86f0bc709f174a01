import { defineManifest } from '@tributary/sdk';
import { ConfluenceCheckpointSchema } from './checkpoint.js';
import { ConfluenceConfigSchema } from './config.js';

/** The `confluence` connector without its code: the registry lists it and validates sources from this alone. */
export const confluenceManifest = defineManifest({
  name: 'confluence',
  version: '1.0.0',
  sdk: '^1.0.0',
  title: 'Confluence',
  description: 'Pages, blog posts and comments from Confluence Cloud (REST v2), as Markdown, with versions.',
  auth: {
    type: 'oauth2',
    provider: 'atlassian',
    scopes: ['read:confluence-content.all', 'read:confluence-space.summary', 'offline_access'],
    allowToken: true,
  },
  config: ConfluenceConfigSchema,
  checkpoint: ConfluenceCheckpointSchema,
  features: {},
  streams: ['pages', 'blogposts', 'comments'],
  capabilities: { incremental: true, deletions: true, webhooks: false, fullRefresh: true },
  rateLimit: {
    requests: 10,
    perSeconds: 1,
    burst: 20,
    description: 'Confluence Cloud: cost-based; 429 with Retry-After',
  },
  kind: 'cloud',
});
