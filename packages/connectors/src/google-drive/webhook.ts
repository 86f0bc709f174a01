import type { WebhookOutcome, WebhookRequest } from '@tributary/sdk';
import { handleChannelPush } from '../lib/google/channel-push.js';
import type { GoogleDriveConfig } from './config.js';

/**
 * Verifies a Drive push notification (https://developers.google.com/drive/api/guides/push): the channel token
 * against `push.token`, expiry, `sync` acknowledged, a change asks for a de-duplicated incremental sync.
 */
export function handleDrivePush(config: GoogleDriveConfig, req: WebhookRequest, nowMs: number): WebhookOutcome {
  return handleChannelPush(config.push, req, nowMs);
}
