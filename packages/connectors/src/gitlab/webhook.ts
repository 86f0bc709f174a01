import { timingSafeEqual } from 'node:crypto';
import type { WebhookOutcome, WebhookRequest } from '@tributary/sdk';
import { ids } from './map.js';

const header = (req: WebhookRequest, name: string): string | undefined => {
  const key = Object.keys(req.headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : req.headers[key];
};

const sameSecret = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** Event → the stream an incremental sync should read. */
const STREAM_OF: Record<string, string> = {
  'Issue Hook': 'issues',
  'Confidential Issue Hook': 'issues',
  'Merge Request Hook': 'merge_requests',
  'Push Hook': 'commits',
  'Wiki Page Hook': 'wiki',
};

interface Payload {
  project?: { path_with_namespace?: string; default_branch?: string };
  object_attributes?: { action?: string; noteable_type?: string; slug?: string; iid?: number };
  issue?: { iid?: number };
  merge_request?: { iid?: number };
  ref?: string;
}

/**
 * Verifies a GitLab webhook delivery and turns it into an incremental sync of its project. GitLab does not sign
 * bodies: it sends the secret token set on the hook in `X-Gitlab-Token`, compared here in constant time.
 * A note event names its issue or merge request (`noteables`), whose notes are read again; a deleted wiki page
 * carries its external id. `X-Gitlab-Event-UUID` is returned as `eventId` so redeliveries are dropped.
 * https://docs.gitlab.com/user/project/integrations/webhooks/
 */
export function handleGitlabDelivery(token: string | undefined, req: WebhookRequest): WebhookOutcome {
  if (!token)
    return {
      matched: false,
      response: { status: 401, body: { error: 'no webhook token configured for this source' } },
    };
  const got = header(req, 'x-gitlab-token');
  if (!got || !sameSecret(got, token))
    return { matched: false, response: { status: 401, body: { error: 'invalid X-Gitlab-Token' } } };
  let body: Payload;
  try {
    body = JSON.parse(req.rawBody) as Payload;
  } catch {
    return { matched: true, response: { status: 400, body: { error: 'body is not JSON' } } };
  }
  const event = header(req, 'x-gitlab-event') ?? '';
  const project = body.project?.path_with_namespace;
  const hints: Record<string, unknown> = {};
  if (event === 'Note Hook' || event === 'Confidential Note Hook') {
    const type = body.object_attributes?.noteable_type;
    const iid = type === 'Issue' ? body.issue?.iid : type === 'MergeRequest' ? body.merge_request?.iid : undefined;
    if (iid === undefined) return { matched: true, response: { status: 202 } };
    hints.stream = type === 'Issue' ? 'issues' : 'merge_requests';
    hints.noteables = [`${type === 'Issue' ? 'i' : 'm'}:${iid}`];
  } else {
    const stream = STREAM_OF[event];
    if (!stream) return { matched: true, response: { status: 202 } };
    if (event === 'Push Hook' && body.ref !== `refs/heads/${body.project?.default_branch ?? ''}`)
      return { matched: true, response: { status: 202 } };
    hints.stream = stream;
    const slug = body.object_attributes?.slug;
    if (event === 'Wiki Page Hook' && body.object_attributes?.action === 'delete' && project && slug)
      hints.deletes = [ids.wiki(project, slug)];
  }
  if (!project) return { matched: true, response: { status: 202 } };
  hints.project = project;
  const uuid = header(req, 'x-gitlab-event-uuid');
  if (uuid) hints.eventId = uuid;
  return { matched: true, response: { status: 202 }, sync: { hints } };
}
