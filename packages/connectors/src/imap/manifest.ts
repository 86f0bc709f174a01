import { defineManifest } from '@tributary/sdk';
import { MAIL_STREAM } from '../mail/streams.js';
import { ImapCheckpointSchema } from './checkpoint.js';
import { ImapConfigSchema } from './config.js';

/** The `imap` connector without its code: the registry lists it and validates sources from this alone. */
export const imapManifest = defineManifest({
  name: 'imap',
  version: '1.0.0',
  sdk: '^1.0.0',
  title: 'IMAP mail',
  description:
    'Mail from an IMAP server (Dovecot, Fastmail, Gmail with an app password, Exchange/Outlook.com, iCloud …).',
  auth: { type: 'password', description: 'The IMAP login name and password (or app password).' },
  config: ImapConfigSchema,
  checkpoint: ImapCheckpointSchema,
  features: {
    attachments: {
      default: false,
      description:
        'Extract the text of attachments (text-like types; PDF, DOCX, HTML, code up to 10 MB) into the content.',
    },
    realtime: {
      default: false,
      description: 'Watch folders with IMAP IDLE (INBOX, or up to 5 configured folders) and sync on each change.',
    },
  },
  streams: [MAIL_STREAM],
  capabilities: { incremental: true, deletions: true, webhooks: false, fullRefresh: true },
  kind: 'cloud',
});
