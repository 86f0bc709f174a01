import type { GlProject } from './state.js';

/**
 * A GitLab webhook delivery: the secret token travels in `X-Gitlab-Token` (GitLab does not sign bodies), the kind
 * in `X-Gitlab-Event`, a unique id in `X-Gitlab-Event-UUID`. https://docs.gitlab.com/user/project/integrations/webhooks/
 */
export function gitlabDelivery(
  token: string | undefined,
  event: 'Issue Hook' | 'Merge Request Hook' | 'Note Hook' | 'Push Hook' | 'Wiki Page Hook',
  payload: Record<string, unknown>,
  uuid = '4b3c1d2e-0000-4000-8000-000000000001',
) {
  return {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-gitlab-event': event,
      'x-gitlab-event-uuid': uuid,
      ...(token !== undefined ? { 'x-gitlab-token': token } : {}),
    },
    rawBody: JSON.stringify(payload),
    query: {},
  };
}

/** The `project` object of webhook payloads. */
export function projectPayload(p: GlProject): Record<string, unknown> {
  return { id: p.id, name: p.name, path_with_namespace: p.pathWithNamespace, default_branch: p.defaultBranch };
}
