import type { WebhookOutcome, WebhookRequest } from '@tributary/sdk';
import { headerOf, secretEquals } from './push-auth.js';

const refuse = (why: string): WebhookOutcome => ({ matched: false, response: { status: 401, body: { error: why } } });

/**
 * Verifies a notification of a Google API push channel (`watch`), as Drive and Calendar send them
 * (https://developers.google.com/drive/api/guides/push, https://developers.google.com/calendar/api/guides/push):
 * `X-Goog-Channel-Token` must equal the source's `push.token` (constant-time) and the channel must not have expired.
 * The first message of a channel (`X-Goog-Resource-State: sync`) is acknowledged without a sync; a change (`exists`,
 * `not_exists`, …) asks for an incremental sync, de-duplicated by channel id and message number (Google numbers a
 * channel's messages; a replayed or re-sent one is acknowledged without a second sync).
 */
export function handleChannelPush(
  push: { token: string } | undefined,
  req: WebhookRequest,
  nowMs: number,
): WebhookOutcome {
  if (!push) return refuse('push is not configured for this source');
  const token = headerOf(req, 'x-goog-channel-token');
  if (!token || !secretEquals(token, push.token)) return refuse('X-Goog-Channel-Token does not match');
  const channel = headerOf(req, 'x-goog-channel-id');
  const number = headerOf(req, 'x-goog-message-number');
  const state = headerOf(req, 'x-goog-resource-state');
  if (!channel || !number || !state) return refuse('not a Google push notification (X-Goog-* headers missing)');
  const expires = Date.parse(headerOf(req, 'x-goog-channel-expiration') ?? '');
  if (!Number.isNaN(expires) && expires < nowMs) return refuse('the channel expired (replayed notification)');
  if (state === 'sync') return { matched: true, response: { status: 200, body: { ok: true } } };
  return {
    matched: true,
    response: { status: 200, body: { ok: true } },
    sync: { hints: { eventId: `${channel}:${number}` } },
  };
}
