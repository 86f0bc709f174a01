import type { WebhookOutcome, WebhookRequest } from '@tributary/sdk';
import { handleChannelPush } from '../lib/google/channel-push.js';
import type { GoogleCalendarConfig } from './config.js';

/**
 * Verifies a Calendar push notification (https://developers.google.com/calendar/api/guides/push): the channel
 * token against `push.token`, expiry, `sync` acknowledged, a change asks for a de-duplicated incremental sync.
 */
export function handleCalendarPush(config: GoogleCalendarConfig, req: WebhookRequest, nowMs: number): WebhookOutcome {
  return handleChannelPush(config.push, req, nowMs);
}
