import { createHmac } from 'node:crypto';
import type { TwinMeeting } from './schema.js';

/** The Fathom twin's world: meetings (with all their content), API keys, and a webhook secret. */
export class FathomState {
  readonly meetings = new Map<number, TwinMeeting>();
  readonly apiKeys = new Set<string>();
  /** Page size of `GET /meetings` (Fathom answers 10 a page). */
  pageSize = 10;

  add(m: TwinMeeting): void {
    this.meetings.set(m.recording_id, m);
  }

  remove(id: number): void {
    this.meetings.delete(id);
  }

  /** Newest first, as the API lists them. */
  sorted(): TwinMeeting[] {
    return [...this.meetings.values()].sort((a, b) =>
      a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : b.recording_id - a.recording_id,
    );
  }
}

/**
 * A signed delivery as Fathom sends it (Standard Webhooks: `webhook-id`, `webhook-timestamp`, `webhook-signature:
 * v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">` keyed with the base64 part of `whsec_…`).
 */
export function signFathomDelivery(
  secret: string,
  body: string,
  opts: { id?: string; timestampSec?: number } = {},
): Record<string, string> {
  const id = opts.id ?? `msg_${Math.random().toString(36).slice(2, 14)}`;
  const ts = String(opts.timestampSec ?? Math.floor(Date.now() / 1000));
  const sig = createHmac('sha256', Buffer.from(secret.replace(/^whsec_/, ''), 'base64'))
    .update(`${id}.${ts}.${body}`)
    .digest('base64');
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': ts,
    'webhook-signature': `v1,${sig}`,
  };
}
