import { defineManifest } from '@tributary/sdk';
import { ObsidianCheckpointSchema } from './checkpoint.js';
import { ObsidianConfigSchema } from './config.js';

/** The `obsidian` connector without its code: the registry lists it and validates sources from this alone. */
export const obsidianManifest = defineManifest({
  name: 'obsidian',
  version: '1.0.0',
  sdk: '^1.0.0',
  title: 'Obsidian vault',
  description:
    'Markdown notes of a local Obsidian vault: front matter, tags, wikilinks and embeds; daily notes dated by their name.',
  auth: { type: 'none' },
  kind: 'local',
  config: ObsidianConfigSchema,
  checkpoint: ObsidianCheckpointSchema,
  streams: ['notes'],
  capabilities: { incremental: true, deletions: true, webhooks: false, fullRefresh: true, local: true },
});
