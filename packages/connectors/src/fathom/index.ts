import { defineConnector } from '@tributary/sdk';
import { FathomClient } from './client.js';
import { fathomManifest } from './manifest.js';
import { readMeetings } from './read.js';
import { handleFathomDelivery } from './webhook.js';

/**
 * Fathom meetings through the External API (`X-Api-Key`): one memory per recording with its AI summary, action
 * items and transcript; incremental by `created_after`; deletions found by a periodic reconcile listing; verified
 * "new meeting content ready" webhooks trigger a (debounced) sync.
 */
export const fathomConnector = defineConnector({
  manifest: fathomManifest,
  async check(ctx) {
    try {
      const client = await FathomClient.create(ctx);
      const page = await client.meetings({ content: false });
      return { ok: true, message: `Fathom API key accepted (${page.items.length ? 'meetings' : 'no meetings yet'}).` };
    } catch (err) {
      return { ok: false, message: (err as Error).message };
    }
  },
  read: (ctx) => readMeetings(ctx),
  webhook(ctx, request) {
    return Promise.resolve(handleFathomDelivery(ctx.config.webhookSecret, request, ctx.clock.now()));
  },
});

export default fathomConnector;
