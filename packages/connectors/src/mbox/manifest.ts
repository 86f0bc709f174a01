import { defineManifest } from '@tributary/sdk';
import { MAIL_STREAM } from '../mail/streams.js';
import { MboxCheckpointSchema } from './checkpoint.js';
import { MboxConfigSchema } from './config.js';

/** The `mbox` connector without its code: the registry lists it and validates sources from this alone. */
export const mboxManifest = defineManifest({
  name: 'mbox',
  version: '1.0.0',
  sdk: '^1.0.0',
  title: 'mbox',
  description: 'Mail archives in mbox format (Thunderbird, Apple Mail export, Google Takeout, mutt).',
  auth: { type: 'none' },
  config: MboxConfigSchema,
  checkpoint: MboxCheckpointSchema,
  features: {
    attachments: {
      default: false,
      description:
        'Extract the text of attachments (text-like types; PDF, DOCX, HTML, code up to 10 MB) into the content.',
    },
  },
  streams: [MAIL_STREAM],
  capabilities: { incremental: true, deletions: false, webhooks: false, fullRefresh: true, local: true },
  kind: 'local',
});
