import { defineManifest } from '@tributary/sdk';
import { NotionCheckpointSchema } from './checkpoint.js';
import { NotionConfigSchema } from './config.js';

/** The `notion` connector without its code: the registry lists it and validates sources from this alone. */
export const notionManifest = defineManifest({
  name: 'notion',
  version: '1.0.0',
  sdk: '^1.0.0',
  title: 'Notion',
  description: 'Pages (as Markdown), data sources and their rows shared with a Notion integration.',
  // Notion has no OAuth scopes: the integration's capabilities decide ("Read content" is enough).
  auth: { type: 'oauth2', provider: 'notion', scopes: [], allowToken: true },
  config: NotionConfigSchema,
  checkpoint: NotionCheckpointSchema,
  features: {
    pages: { default: true, description: 'Read plain pages.' },
    dataSources: { default: true, description: 'Read data sources (database tables) and their rows.' },
    rows: { default: true, description: 'Read the rows of data sources (as pages with a property table).' },
  },
  streams: ['pages', 'rows', 'data-sources'],
  capabilities: { incremental: true, deletions: true, webhooks: false, fullRefresh: true },
  // https://developers.notion.com/reference/request-limits: an average of three requests per second.
  rateLimit: {
    requests: 3,
    perSeconds: 1,
    burst: 3,
    description: 'Notion: an average of 3 requests per second per integration',
  },
  kind: 'cloud',
});
