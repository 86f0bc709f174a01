import { defineConnector, isTributaryError } from '@tributary/sdk';
import { GmailClient } from './client.js';
import { gmailManifest } from './manifest.js';
import { readGmail } from './read.js';
import { handleGmailPush } from './webhook.js';
import { gmailPushRenewAt } from './lifecycle.js';

export { GMAIL_SCOPES } from './manifest.js';

/**
 * Gmail through the official client (`@googleapis/gmail`): a full listing bounded by `backfillDays`, then
 * `history.list`; raw messages parsed by the one mail parser (same memories as IMAP, mbox, Maildir, .eml); labels
 * as tags; deletions, trash and spam as tombstones; quota units per method from the shared rate limiter; Pub/Sub
 * push with a verified webhook.
 */
export const gmailConnector = defineConnector({
  manifest: gmailManifest,

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

  pushRenewAt: gmailPushRenewAt,
});

export default gmailConnector;
