import { defineManifest } from '@tributary/sdk';
import { GmailCheckpointSchema } from './checkpoint.js';
import { GmailConfigSchema } from './config.js';

/** Least privilege: reading mail and labels (and `users.watch`, which gmail.readonly allows). */
export const GMAIL_SCOPES = ['https://www.googleapis.com/auth/gmail.readonly'];

/** The `gmail` connector without its code: the registry lists it and validates sources from this alone. */
export const gmailManifest = defineManifest({
  name: 'gmail',
  version: '1.0.0',
  sdk: '^1.0.0',
  title: 'Gmail',
  description: 'Mail from a Gmail mailbox: messages with labels as tags, incremental by history, push via Pub/Sub.',
  auth: { type: 'oauth2', provider: 'google', scopes: GMAIL_SCOPES, allowToken: true },
  config: GmailConfigSchema,
  checkpoint: GmailCheckpointSchema,
  features: {
    attachments: {
      default: false,
      description:
        'Extract the text of attachments (text-like types; PDF, DOCX, HTML, code up to 10 MB) into the content.',
    },
  },
  // The stream every mail connector yields (MAIL_STREAM; not imported: it would load the mail parser here).
  streams: ['messages'],
  capabilities: { incremental: true, deletions: true, webhooks: true, fullRefresh: true },
  // Gmail counts quota units, 250 per user per second (messages.get costs 5): the limiter's tokens are units. A
  // bucket lets through burst + rate units in any one second: 230/s with a burst of 10 (two messages.get) stays
  // under 250 with room for network jitter, at 92% of the budget.
  rateLimit: {
    requests: 230,
    perSeconds: 1,
    burst: 10,
    description: 'Gmail: 250 quota units per user per second (messages.get 5, messages.list 5, history.list 2)',
  },
  kind: 'cloud',
});
