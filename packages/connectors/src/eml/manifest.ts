import { defineManifest } from '@tributary/sdk';
import { FileSyncCheckpointSchema } from '../mail/file-sync.js';
import { MAIL_STREAM } from '../mail/streams.js';
import { EmlConfigSchema } from './config.js';

/** The `eml` connector without its code: the registry lists it and validates sources from this alone. */
export const emlManifest = defineManifest({
  name: 'eml',
  version: '1.0.0',
  sdk: '^1.0.0',
  title: 'EML files',
  description: 'Mail messages saved as .eml files in a folder (searched recursively).',
  auth: { type: 'none' },
  config: EmlConfigSchema,
  checkpoint: FileSyncCheckpointSchema,
  features: {
    attachments: {
      default: false,
      description:
        'Extract the text of attachments (text-like types; PDF, DOCX, HTML, code up to 10 MB) into the content.',
    },
  },
  streams: [MAIL_STREAM],
  capabilities: { incremental: true, deletions: true, webhooks: false, fullRefresh: true, local: true },
  kind: 'local',
});
