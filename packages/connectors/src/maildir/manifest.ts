import { defineManifest } from '@tributary/sdk';
import { FileSyncCheckpointSchema } from '../mail/file-sync.js';
import { MAIL_STREAM } from '../mail/streams.js';
import { MaildirConfigSchema } from './config.js';

/** The `maildir` connector without its code: the registry lists it and validates sources from this alone. */
export const maildirManifest = defineManifest({
  name: 'maildir',
  version: '1.0.0',
  sdk: '^1.0.0',
  title: 'Maildir',
  description: 'Mail stored as Maildir or Maildir++ (Dovecot, Courier, offlineimap, mbsync, notmuch).',
  auth: { type: 'none' },
  config: MaildirConfigSchema,
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
