import { sign } from '@octokit/webhooks-methods';
import type { GhRepo } from './state.js';

/** A signed GitHub webhook delivery (`X-Hub-Signature-256` computed with `@octokit/webhooks-methods`). */
export async function signedGithubDelivery(
  secret: string,
  event: string,
  payload: Record<string, unknown>,
  deliveryId = 'f3b2a6e0-0000-4000-8000-000000000001',
) {
  const rawBody = JSON.stringify(payload);
  return {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': event,
      'x-github-delivery': deliveryId,
      'x-hub-signature-256': await sign(secret, rawBody),
    },
    rawBody,
    query: {},
  };
}

/** The `repository` object webhook payloads carry (the fields receivers read). */
export function repositoryPayload(repo: GhRepo): Record<string, unknown> {
  return {
    id: repo.id,
    name: repo.name,
    full_name: repo.fullName,
    private: repo.isPrivate,
    owner: { login: repo.owner },
  };
}
