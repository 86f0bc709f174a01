import { defineManifest } from '@tributary/sdk';
import { GitCheckpointSchema } from './checkpoint.js';
import { GitConfigSchema } from './config.js';

/** The `git` connector without its code: the registry lists it and validates sources from this alone. */
export const gitManifest = defineManifest({
  name: 'git',
  version: '1.0.0',
  sdk: '^1.0.0',
  title: 'Git repository',
  description:
    'Commits of a local git repository: message, author, dates, parents and changed files, from one or more branches.',
  auth: { type: 'none' },
  kind: 'local',
  config: GitConfigSchema,
  checkpoint: GitCheckpointSchema,
  features: {
    diffs: { default: false, description: 'Add an excerpt of each commit patch to its content (size-capped).' },
  },
  streams: ['commits'],
  capabilities: { incremental: true, deletions: true, webhooks: false, fullRefresh: true, local: true },
});
