import { defineConnector, isTributaryError } from '@tributary/sdk';
import { GmailCheckpointSchema } from './checkpoint.js';
import { GmailClient } from './client.js';
import { GmailConfigSchema } from './config.js';
import { MAIL_STREAM } from '../mail/map.js';
import { readGmail } from './read.js';
import { handleGmailPush } from './webhook.js';

/** Least privilege: reading mail and labels (and `users.watch`, which gmail.readonly allows). */
export const GMAIL_SCOPES = ['https://www.googleapis.com/auth/gmail.readonly'];

/**
 * Gmail through the official client (`@googleapis/gmail`): a full listing bounded by `backfillDays`, then
 * `history.list`; raw messages parsed by the one mail parser (same memories as IMAP, mbox, Maildir, .eml); labels
 * as tags; deletions, trash and spam as tombstones; quota units per method from the shared rate limiter; Pub/Sub
 * push with a verified webhook.
 */
export const gmailConnector = defineConnector({
  manifest: {
    name: 'gmail',
    version: '1.0.0',
    sdk: '^1.0.0',
    title: 'Gmail',
    description: 'Mail from a Gmail mailbox: messages with labels as tags, incremental by history, push via Pub/Sub.',
    auth: { type: 'oauth2', provider: 'google', scopes: GMAIL_SCOPES, allowToken: true },
    config: GmailConfigSchema,
    checkpoint: GmailCheckpointSchema,
    features: {
      attachments: { default: false, description: 'Extract the text of text-like attachments into the content.' },
    },
    streams: [MAIL_STREAM],
    capabilities: { incremental: true, deletions: true, webhooks: true, fullRefresh: true },
    // Gmail counts quota units, 250 per user per second (messages.get costs 5): the limiter's tokens are units.
    rateLimit: {
      requests: 250,
      perSeconds: 1,
      burst: 250,
      description: 'Gmail: 250 quota units per user per second (messages.get 5, messages.list 5, history.list 2)',
    },
    kind: 'cloud',
  },

  async check(ctx) {
    try {
      const client = new GmailClient(ctx);
      const profile = await client.profile();
      return {
        ok: true,
        message: `Connected to ${profile.emailAddress ?? 'Gmail'} (${profile.messagesTotal ?? 0} messages)`,
      };
    } catch (err) {
      return {
        ok: false,
        message: isTributaryError(err) ? `${err.code}: ${err.message}` : String((err as Error)?.message ?? err),
      };
    }
  },

  async discover(ctx) {
    const labels = await new GmailClient(ctx).labels();
    return labels
      .filter((l) => l.id)
      .map((l) => ({ id: l.id!, name: l.name ?? l.id!, kind: 'label', metadata: { type: l.type ?? 'user' } }));
  },

  read: readGmail,

  async webhook(ctx, request) {
    return handleGmailPush(ctx.config, await ctx.credentials.get(), request, ctx.clock.now());
  },
});

export default gmailConnector;
