import { isTributaryError } from '@tributary/sdk';
import type { OneDriveCheckpoint } from './checkpoint.js';
import { compact } from './checkpoint.js';
import type { Run } from './read.js';

/** Hint a lifecycle notification puts on its sync (a list, so merged hints keep every event). */
export const LIFECYCLE_HINT = 'lifecycle';

/** Graph allows drive item subscriptions up to 42,300 minutes (~29.4 days); ask for a little less. */
export const SUBSCRIPTION_DAYS = 29;
const DAY = 86_400_000;

/**
 * Keeps the change-notification subscription on the drive root alive: created when there is none (or Graph removed
 * it: `subscriptionRemoved`), renewed (PATCH expirationDateTime) when it expires within `renewBeforeHours` or Graph
 * asked for it (`reauthorizationRequired`). A failure is logged and the sync goes on (polling still works).
 */
export async function syncSubscription(run: Run, cp: OneDriveCheckpoint): Promise<OneDriveCheckpoint> {
  const { ctx, client } = run;
  const push = ctx.config.push;
  if (!push) return cp;
  const now = ctx.clock.now();
  const events = Array.isArray(ctx.hints[LIFECYCLE_HINT]) ? (ctx.hints[LIFECYCLE_HINT] as unknown[]) : [];
  const removed = events.includes('subscriptionRemoved');
  const reauth = events.includes('reauthorizationRequired');
  const expires = new Date(now + SUBSCRIPTION_DAYS * DAY).toISOString();
  try {
    if (cp.subId && !removed && cp.subExp !== undefined && cp.subExp > now) {
      if (!reauth && cp.subExp - now > push.renewBeforeHours * 3_600_000) return cp;
      try {
        const s = await client.renew(cp.subId, expires);
        return { ...cp, subExp: Date.parse(s.expirationDateTime) };
      } catch (err) {
        if (!isTributaryError(err) || err.code !== 'not_found') throw err;
      }
    }
    const resource = client.drivePath.slice(1) + '/root';
    const s = await client.subscribe({
      changeType: 'updated',
      notificationUrl: push.address,
      lifecycleNotificationUrl: push.address,
      resource,
      expirationDateTime: expires,
      clientState: push.clientState,
    });
    if (cp.subId && cp.subId !== s.id) await client.unsubscribe(cp.subId).catch(() => undefined);
    return compact({ ...cp, subId: s.id, subExp: Date.parse(s.expirationDateTime) });
  } catch (err) {
    ctx.logger.warn('OneDrive subscription could not be created or renewed; push stays off until the next sync', {
      error: (err as Error).message,
    });
    return cp;
  }
}
