import { createHmac, randomUUID } from 'node:crypto';

/**
 * A Jira webhook delivery as Jira Cloud sends one for a webhook with a secret: the JSON body and
 * `X-Hub-Signature: sha256=<HMAC-SHA256 of the body>` (https://developer.atlassian.com/cloud/jira/platform/webhooks/).
 */
export function signedJiraDelivery(
  secret: string,
  payload: Record<string, unknown>,
): { method: string; headers: Record<string, string>; rawBody: string; query: Record<string, string> } {
  const rawBody = JSON.stringify(payload);
  return {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-hub-signature': `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`,
      'x-atlassian-webhook-identifier': randomUUID(),
    },
    rawBody,
    query: {},
  };
}
