import { createHmac, timingSafeEqual } from 'node:crypto';
import type { WebhookOutcome, WebhookRequest } from '@tributary/sdk';

/** Deliveries older or newer than this are refused (a replayed delivery keeps its old timestamp). */
export const WEBHOOK_TOLERANCE_MS = 5 * 60_000;

/**
 * Whether a delivery is signed with `secret`. Fathom signs the Standard Webhooks way
 * (https://developers.fathom.ai/webhooks, https://developers.fathom.ai/api-reference/webhook-payloads/new-meeting-content-ready):
 * headers `webhook-id`, `webhook-timestamp` (seconds) and `webhook-signature` (`v1,<base64>`, several
 * space-separated); the signature is HMAC-SHA256 over `<id>.<timestamp>.<raw body>` keyed with the base64-decoded
 * part of the `whsec_…` secret.
 */
export function verifyFathomSignature(secret: string, request: WebhookRequest, now: number): boolean {
  const id = request.headers['webhook-id'];
  const ts = request.headers['webhook-timestamp'];
  const header = request.headers['webhook-signature'];
  if (!id || !ts || !header || !/^\d{1,12}$/.test(ts)) return false;
  if (Math.abs(now - Number(ts) * 1000) > WEBHOOK_TOLERANCE_MS) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${ts}.${request.rawBody}`).digest();
  return header.split(' ').some((part) => {
    const [version, sig] = part.split(',', 2);
    if (version !== 'v1' || !sig) return false;
    const given = Buffer.from(sig, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

/**
 * A Fathom "new meeting content ready" delivery: verified, then an incremental sync is asked for (the scheduler
 * debounces several deliveries into one run); the body itself is not stored, the sync reads the meeting through
 * the API. `eventId` (the delivery's `webhook-id`, the same across Fathom's retries) lets the host drop repeats.
 */
export function handleFathomDelivery(secret: string | undefined, request: WebhookRequest, now: number): WebhookOutcome {
  if (!secret || !verifyFathomSignature(secret, request, now))
    return { response: { status: 401, body: { error: 'signature missing, invalid or too old' } }, matched: false };
  let payload: { recording_id?: unknown };
  try {
    payload = JSON.parse(request.rawBody) as typeof payload;
  } catch {
    return { response: { status: 400, body: { error: 'body is not JSON' } }, matched: true };
  }
  const hints: Record<string, unknown> = { event: 'new_meeting_content_ready', eventId: request.headers['webhook-id'] };
  if (typeof payload.recording_id === 'number') hints.recordingId = payload.recording_id;
  return { response: { status: 200, body: { ok: true } }, matched: true, sync: { hints } };
}
