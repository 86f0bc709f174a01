import { createHmac } from 'node:crypto';
import type { SlackState, TwinMessage } from './state.js';

/** A webhook delivery as the connector receives it (the SDK's WebhookRequest shape). */
export interface SignedDelivery {
  method: string;
  headers: Record<string, string>;
  rawBody: string;
  query: Record<string, string>;
}

/**
 * Signs a body as Slack does (https://api.slack.com/authentication/verifying-requests-from-slack):
 * `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{body}` with the app's signing secret.
 */
export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** A signed Events API delivery of `payload`, sent at `timestamp` (seconds). */
export function signedSlackDelivery(secret: string, payload: unknown, timestamp: number): SignedDelivery {
  const rawBody = JSON.stringify(payload);
  return {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': slackSignature(secret, timestamp, rawBody),
    },
    rawBody,
    query: {},
  };
}

let eventSeq = 0;

/** An `event_callback` envelope for a message event in a channel, as the Events API sends it. */
export function messageEvent(
  state: SlackState,
  channel: string,
  message: TwinMessage,
  subtype?: 'message_changed' | 'message_deleted',
): Record<string, unknown> {
  eventSeq++;
  const event: Record<string, unknown> = subtype
    ? {
        type: 'message',
        subtype,
        channel,
        ts: String(Number(message.ts) + 0.5),
        ...(subtype === 'message_changed' ? { message } : { deleted_ts: message.ts, previous_message: message }),
        event_ts: message.ts,
        hidden: true,
      }
    : { ...message, channel, event_ts: message.ts, channel_type: 'channel' };
  return {
    token: 'legacy-verification-token',
    team_id: state.team.id,
    api_app_id: 'A0TWIN',
    event,
    type: 'event_callback',
    event_id: `Ev0TWIN${String(eventSeq).padStart(6, '0')}`,
    event_time: Math.floor(Number(message.ts)),
  };
}

/** Slack's `url_verification` handshake payload. */
export function urlVerification(challenge: string): Record<string, unknown> {
  return { token: 'legacy-verification-token', challenge, type: 'url_verification' };
}
