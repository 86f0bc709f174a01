import { defineManifest } from '@tributary/sdk';
import { FilesCheckpointSchema } from './checkpoint.js';
import { FilesConfigSchema } from './config.js';

/** The `files` connector without its code: the registry lists it and validates sources from this alone. */
export const filesManifest = defineManifest({
  name: 'files',
  version: '1.0.0',
  sdk: '^1.0.0',
  title: 'Local files',
  description: 'Text, Markdown, source code, HTML, PDF and Word (DOCX) files of a local folder, as searchable text.',
  auth: { type: 'none' },
  kind: 'local',
  config: FilesConfigSchema,
  checkpoint: FilesCheckpointSchema,
  streams: ['files'],
  capabilities: { incremental: true, deletions: true, webhooks: false, fullRefresh: true, local: true },
});
