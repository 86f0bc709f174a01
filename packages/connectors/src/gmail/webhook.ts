import type { Credential, WebhookOutcome, WebhookRequest } from '@tributary/sdk';
import { z } from 'zod';
import { pushJwtProblem, secretEquals } from '../lib/google/push-auth.js';
import type { GmailConfig } from './config.js';

/** Deliveries published longer ago than this are refused as replays (the webhook de-duplication window). */
export const GMAIL_PUSH_MAX_AGE_MS = 24 * 60 * 60_000;

/**
 * A Pub/Sub push request body (https://cloud.google.com/pubsub/docs/push#receive_push): the message with its id and
 * publish time (push requests carry both spellings), `data` base64 of Gmail's `{"emailAddress","historyId"}`.
 */
const PushBodySchema = z.object({
  message: z.object({
    data: z.string().min(1),
    messageId: z.string().min(1).optional(),
    message_id: z.string().min(1).optional(),
    publishTime: z.string().optional(),
    publish_time: z.string().optional(),
    attributes: z.record(z.string(), z.string()).optional(),
  }),
  subscription: z.string().optional(),
});

const GmailDataSchema = z.object({
  emailAddress: z.string().min(1),
  historyId: z.union([z.string(), z.number()]).transform(String),
});

const refuse = (why: string): WebhookOutcome => ({ matched: false, response: { status: 401, body: { error: why } } });

/**
 * Verifies a Gmail push delivery for one source: by the per-source secret in the push URL (`?token=`, compared in
 * constant time) or by the OIDC JWT Google signs (when `push.audience` is set). A delivery that verifies but is
 * malformed answers 400; one published more than a day ago is refused as a replay. A good one asks for an
 * incremental sync with `eventId` = the Pub/Sub messageId, so redeliveries and replays inside the window are
 * acknowledged without a second sync.
 */
export async function handleGmailPush(
  config: GmailConfig,
  credential: Credential | undefined,
  req: WebhookRequest,
  nowMs: number,
): Promise<WebhookOutcome> {
  const push = config.push;
  if (!push) return refuse('push is not configured for this source');
  const token = push.verificationToken ?? credential?.extra?.pushToken;
  let verified = false;
  if (token && req.query.token !== undefined) verified = secretEquals(req.query.token, token);
  else if (push.audience) {
    const problem = await pushJwtProblem(req, {
      audience: push.audience,
      jwksUrl: push.jwksUrl,
      serviceAccountEmail: push.serviceAccountEmail,
      nowMs,
    });
    verified = problem === undefined;
  }
  if (!verified) return refuse('push delivery not verified (token or OIDC JWT)');
  let body: z.output<typeof PushBodySchema>;
  let data: z.output<typeof GmailDataSchema>;
  try {
    body = PushBodySchema.parse(JSON.parse(req.rawBody));
    data = GmailDataSchema.parse(JSON.parse(Buffer.from(body.message.data, 'base64').toString('utf8')));
  } catch {
    return {
      matched: true,
      response: { status: 400, body: { error: { code: 'invalid_input', message: 'not a Gmail Pub/Sub push body' } } },
    };
  }
  // One push subscription (one JWT audience) may serve several mailboxes: a delivery for another address is not ours.
  if (push.emailAddress && data.emailAddress.toLowerCase() !== push.emailAddress.toLowerCase())
    return refuse(`delivery is for another mailbox`);
  const messageId = body.message.messageId ?? body.message.message_id;
  const published = Date.parse(body.message.publishTime ?? body.message.publish_time ?? '');
  if (!messageId || Number.isNaN(published)) return refuse('delivery has no messageId or publishTime');
  if (nowMs - published > GMAIL_PUSH_MAX_AGE_MS) return refuse('delivery published more than a day ago (replayed)');
  return {
    matched: true,
    response: { status: 200, body: { ok: true } },
    sync: { hints: { eventId: messageId, historyId: data.historyId } },
  };
}
