import type { WebhookOutcome, WebhookRequest } from '@tributary/sdk';
import { headerOf, secretEquals } from '../lib/google/push-auth.js';
import type { GoogleDriveConfig } from './config.js';

const refuse = (why: string): WebhookOutcome => ({ matched: false, response: { status: 401, body: { error: why } } });

/**
 * Verifies a Drive push notification (https://developers.google.com/drive/api/guides/push): `X-Goog-Channel-Token`
 * equal to `push.token` (constant-time), channel not expired. `sync` (the first message) is acknowledged; a change
 * asks for an incremental sync de-duplicated by channel id and message number.
 */
export function handleDrivePush(config: GoogleDriveConfig, req: WebhookRequest, nowMs: number): WebhookOutcome {
  const push = config.push;
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
