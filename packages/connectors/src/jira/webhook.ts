import { createHmac, timingSafeEqual } from 'node:crypto';
import type { WebhookOutcome, WebhookRequest } from '@tributary/sdk';

/** Events that change what a source holds: each triggers an incremental sync (deletions carry the issue id). */
const SYNC_EVENTS = new Set([
  'jira:issue_created',
  'jira:issue_updated',
  'jira:issue_deleted',
  'comment_created',
  'comment_updated',
  'comment_deleted',
]);

function verified(secret: string, request: WebhookRequest): boolean {
  const header = request.headers['x-hub-signature'] ?? '';
  const m = /^sha256=([0-9a-f]{64})$/i.exec(header);
  if (!m) return false;
  const expected = createHmac('sha256', secret).update(request.rawBody).digest();
  const given = Buffer.from(m[1]!, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * A Jira Cloud webhook delivery (a webhook registered with a secret signs its body:
 * `X-Hub-Signature: sha256=<HMAC-SHA256>`, https://developer.atlassian.com/cloud/jira/platform/webhooks/#secure-admin-webhooks).
 * Unsigned or wrongly signed deliveries are refused (401, not matched). Issue and comment events trigger an
 * incremental sync; `jira:issue_deleted` passes the issue id as `hints.deletes`; `eventId` is the delivery's
 * `X-Atlassian-Webhook-Identifier`, the same across retries, for de-duplication.
 */
export function handleJiraDelivery(secret: string | undefined, request: WebhookRequest): WebhookOutcome {
  if (!secret || !verified(secret, request))
    return { response: { status: 401, body: { error: 'signature missing or invalid' } }, matched: false };
  let payload: { webhookEvent?: string; issue?: { id?: string; key?: string } };
  try {
    payload = JSON.parse(request.rawBody) as typeof payload;
  } catch {
    return { response: { status: 400, body: { error: 'body is not JSON' } }, matched: true };
  }
  const event = payload.webhookEvent ?? '';
  if (!SYNC_EVENTS.has(event)) return { response: { status: 202, body: { ignored: event } }, matched: true };
  const eventId = request.headers['x-atlassian-webhook-identifier'];
  const id = payload.issue?.id;
  const hints: Record<string, unknown> = { event, ...(eventId ? { eventId } : {}) };
  if (event === 'jira:issue_deleted' && id && /^\d+$/.test(id)) hints.deletes = [id];
  return { response: { status: 200, body: { ok: true } }, matched: true, sync: { hints } };
}
