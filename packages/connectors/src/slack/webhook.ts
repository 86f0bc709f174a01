import { createHmac, timingSafeEqual } from 'node:crypto';
import type { WebhookOutcome, WebhookRequest } from '@tributary/sdk';

/** Deliveries older (or further in the future) than this are refused as replays, as Slack recommends. */
export const SLACK_MAX_SKEW_SECONDS = 5 * 60;

function header(req: WebhookRequest, name: string): string | undefined {
  const key = Object.keys(req.headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : req.headers[key];
}

/**
 * Verifies a Slack request signature (https://api.slack.com/authentication/verifying-requests-from-slack):
 * `x-slack-signature` must equal `v0=` + HMAC-SHA256(secret, `v0:{x-slack-request-timestamp}:{raw body}`), and the
 * timestamp must be within 5 minutes of `nowMs`.
 * @returns undefined when valid, else why not (never echoing the secret)
 */
export function slackSignatureProblem(secret: string, req: WebhookRequest, nowMs: number): string | undefined {
  const ts = header(req, 'x-slack-request-timestamp');
  const sig = header(req, 'x-slack-signature');
  if (!ts || !sig) return 'missing x-slack-request-timestamp or x-slack-signature';
  const seconds = Number(ts);
  if (!Number.isInteger(seconds)) return 'x-slack-request-timestamp is not a number';
  if (Math.abs(nowMs / 1000 - seconds) > SLACK_MAX_SKEW_SECONDS)
    return 'timestamp is more than 5 minutes away (replayed or clock skew)';
  const expected = Buffer.from(`v0=${createHmac('sha256', secret).update(`v0:${ts}:${req.rawBody}`).digest('hex')}`);
  const given = Buffer.from(sig);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'signature does not match';
  return undefined;
}

interface EventEnvelope {
  type?: string;
  challenge?: string;
  event_id?: string;
  team_id?: string;
  event?: {
    type?: string;
    subtype?: string;
    channel?: string;
    ts?: string;
    thread_ts?: string;
    deleted_ts?: string;
    message?: { ts?: string; thread_ts?: string };
    previous_message?: { ts?: string; thread_ts?: string };
  };
}

/**
 * Interprets a verified-or-not Events API delivery: refuses bad signatures and replays (401, not matched), answers
 * `url_verification` with its challenge, and turns `message` events into an incremental sync of that channel.
 * Hints carry `eventId` (for de-duplication of Slack's retries) and, for edits and deletions, the message `ts`
 * with `action` `changed` / `deleted`.
 */
export function handleSlackDelivery(secret: string | undefined, req: WebhookRequest, nowMs: number): WebhookOutcome {
  if (!secret)
    return {
      matched: false,
      response: { status: 401, body: { error: 'no signing secret configured for this source' } },
    };
  const problem = slackSignatureProblem(secret, req, nowMs);
  if (problem)
    return { matched: false, response: { status: 401, body: { error: `invalid Slack signature: ${problem}` } } };
  let body: EventEnvelope;
  try {
    body = JSON.parse(req.rawBody) as EventEnvelope;
  } catch {
    return { matched: true, response: { status: 400, body: { error: 'body is not JSON' } } };
  }
  if (body.type === 'url_verification')
    return { matched: true, response: { status: 200, body: { challenge: body.challenge ?? '' } } };
  const event = body.event;
  if (body.type !== 'event_callback' || event?.type !== 'message' || !event.channel)
    return { matched: true, response: { status: 200 } };
  const hints: Record<string, unknown> = { channel: event.channel };
  if (body.event_id) hints.eventId = body.event_id;
  if (event.subtype === 'message_changed' && event.message?.ts) {
    Object.assign(
      hints,
      { action: 'changed', ts: event.message.ts },
      event.message.thread_ts ? { threadTs: event.message.thread_ts } : {},
    );
  } else if (event.subtype === 'message_deleted' && event.deleted_ts) {
    const thread = event.previous_message?.thread_ts;
    Object.assign(hints, { action: 'deleted', ts: event.deleted_ts }, thread ? { threadTs: thread } : {});
  }
  return { matched: true, response: { status: 200 }, sync: { hints } };
}
