import { timingSafeEqual } from 'node:crypto';
import type { WebhookOutcome, WebhookRequest } from '@tributary/sdk';
import type { OneDriveConfig } from './config.js';
import { LIFECYCLE_HINT } from './subscription.js';

const refuse = (why: string): WebhookOutcome => ({ matched: false, response: { status: 401, body: { error: why } } });

/** Compares two secrets in constant time (different lengths are simply unequal). */
function secretEquals(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Graph's lifecycle events (https://learn.microsoft.com/graph/change-notifications-lifecycle-events). */
const LIFECYCLE_EVENTS = new Set(['reauthorizationRequired', 'subscriptionRemoved', 'missed']);

interface Notification {
  subscriptionId?: unknown;
  clientState?: unknown;
  lifecycleEvent?: unknown;
}

/**
 * Graph change notifications for a drive subscription (https://learn.microsoft.com/graph/change-notifications-delivery-webhooks):
 * - the validation handshake (`?validationToken=…` on creation): the token echoed as text/plain within 10 s;
 * - notifications (`{ value: [...] }`): every one must carry this source's `clientState` (constant-time compare),
 *   else the delivery is refused; accepted ones ask for a (debounced) delta sync. Lifecycle events ride along as
 *   hints so the sync renews (`reauthorizationRequired`) or re-creates (`subscriptionRemoved`) the subscription;
 *   `missed` just syncs (the delta query catches up on whatever was missed).
 */
export function handleGraphNotification(config: OneDriveConfig, req: WebhookRequest): WebhookOutcome {
  const push = config.push;
  if (!push) return refuse('change notifications are not configured for this source');
  const token = req.query.validationToken;
  if (token !== undefined) {
    // The token is not a secret (Graph sends it to be echoed); only printable text of a sane size is echoed back.
    if (token.length === 0 || token.length > 1024 || !/^[\x20-\x7e]+$/.test(token))
      return refuse('not a Graph validation token');
    return {
      matched: true,
      response: {
        status: 200,
        body: token,
        headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' },
      },
    };
  }
  let body: unknown;
  try {
    body = JSON.parse(req.rawBody);
  } catch {
    return refuse('not a Graph notification (body is not JSON)');
  }
  const value = (body as { value?: unknown })?.value;
  if (!Array.isArray(value) || value.length === 0 || value.length > 1000)
    return refuse('not a Graph notification (no value array)');
  const events = new Set<string>();
  for (const n of value as Notification[]) {
    if (typeof n?.clientState !== 'string' || !secretEquals(n.clientState, push.clientState))
      return refuse('clientState does not match');
    if (typeof n.lifecycleEvent === 'string' && LIFECYCLE_EVENTS.has(n.lifecycleEvent)) events.add(n.lifecycleEvent);
  }
  return {
    matched: true,
    response: { status: 202, body: { ok: true } },
    sync: { hints: events.size ? { [LIFECYCLE_HINT]: [...events] } : {} },
  };
}
