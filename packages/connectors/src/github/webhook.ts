import { verify } from '@octokit/webhooks-methods';
import type { WebhookOutcome, WebhookRequest } from '@tributary/sdk';
import { ids } from './map.js';

const header = (req: WebhookRequest, name: string): string | undefined => {
  const key = Object.keys(req.headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : req.headers[key];
};

/** Event → the stream an incremental sync should read. */
const STREAM_OF: Record<string, string> = {
  issues: 'issues',
  issue_comment: 'comments',
  pull_request: 'issues',
  pull_request_review: 'issues',
  pull_request_review_comment: 'comments',
  push: 'commits',
};

interface Payload {
  action?: string;
  zen?: string;
  repository?: { full_name?: string };
  issue?: { number?: number };
  pull_request?: { number?: number };
  comment?: { id?: number };
  ref?: string;
}

/**
 * Verifies a GitHub webhook delivery (`X-Hub-Signature-256`, HMAC-SHA256 of the raw body, checked with
 * `@octokit/webhooks-methods`) and turns supported events into an incremental sync of the repository and stream.
 * `deleted` actions carry the external ids to tombstone; `x-github-delivery` is returned as `eventId` so the caller
 * can drop redeliveries. A push to any branch re-reads commits and files of the default branch.
 */
export async function handleGithubDelivery(secret: string | undefined, req: WebhookRequest): Promise<WebhookOutcome> {
  if (!secret)
    return {
      matched: false,
      response: { status: 401, body: { error: 'no webhook secret configured for this source' } },
    };
  const signature = header(req, 'x-hub-signature-256');
  if (!signature || !(await verify(secret, req.rawBody, signature).catch(() => false))) {
    return { matched: false, response: { status: 401, body: { error: 'invalid X-Hub-Signature-256' } } };
  }
  const event = header(req, 'x-github-event') ?? '';
  let body: Payload;
  try {
    body = JSON.parse(req.rawBody) as Payload;
  } catch {
    return { matched: true, response: { status: 400, body: { error: 'body is not JSON' } } };
  }
  if (event === 'ping') return { matched: true, response: { status: 200, body: { ok: true } } };
  const repo = body.repository?.full_name;
  const stream = STREAM_OF[event];
  if (!repo || !stream) return { matched: true, response: { status: 202 } };
  const hints: Record<string, unknown> = { repo, stream };
  const delivery = header(req, 'x-github-delivery');
  if (delivery) hints.eventId = delivery;
  if (body.action === 'deleted') {
    const n = body.issue?.number ?? body.pull_request?.number;
    if (event === 'issues' && n !== undefined) hints.deletes = [ids.issue(repo, n)];
    if (event === 'issue_comment' && n !== undefined && body.comment?.id !== undefined)
      hints.deletes = [ids.comment(repo, n, body.comment.id)];
    if (event === 'pull_request_review_comment' && n !== undefined && body.comment?.id !== undefined)
      hints.deletes = [ids.reviewComment(repo, n, body.comment.id)];
  }
  if (event === 'push') hints.stream = undefined;
  return {
    matched: true,
    response: { status: 202 },
    sync: { hints: Object.fromEntries(Object.entries(hints).filter(([, v]) => v !== undefined)) },
  };
}
