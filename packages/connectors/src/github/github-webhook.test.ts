import { collectPages, createConnectorContext, createTestContext } from '@tributary/sdk/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  repositoryPayload,
  seedGithubRepo,
  signedGithubDelivery,
  startGithubTwin,
  type GithubTwin,
} from '../../../../test/twins/github/index.js';
import { githubConnector } from './index.js';

const SECRET = "It's a Secret to Everybody";
const credentials = { kind: 'token' as const, token: 'ghp_twin' };
let twin: GithubTwin | undefined;
afterEach(async () => {
  await twin?.close();
  twin = undefined;
});

describe('github webhook', () => {
  const seed = seedGithubRepo({ issues: 6, pulls: 2, commits: 3, files: 2 });
  const ctx = () =>
    createConnectorContext(githubConnector, {
      config: { repos: ['acme/widgets'], webhookSecret: SECRET },
      credentials,
    });
  const repository = repositoryPayload(seed.repo);

  it('verifies X-Hub-Signature-256 and asks for a sync of the repository and stream', async () => {
    for (const [event, payload, stream] of [
      ['issues', { action: 'edited', issue: { number: 2 }, repository }, 'issues'],
      ['issue_comment', { action: 'created', issue: { number: 2 }, comment: { id: 5 }, repository }, 'comments'],
      ['pull_request', { action: 'synchronize', pull_request: { number: 3 }, repository }, 'issues'],
      ['pull_request_review', { action: 'submitted', pull_request: { number: 3 }, repository }, 'issues'],
    ] as const) {
      const out = await githubConnector.webhook!(
        ctx(),
        await signedGithubDelivery(SECRET, event, payload, `delivery-${event}`),
      );
      expect(out).toEqual({
        matched: true,
        response: { status: 202 },
        sync: { hints: { repo: 'acme/widgets', stream, eventId: `delivery-${event}` } },
      });
    }
    const push = await githubConnector.webhook!(
      ctx(),
      await signedGithubDelivery(SECRET, 'push', { ref: 'refs/heads/main', repository }),
    );
    expect(push.sync?.hints).toEqual({ repo: 'acme/widgets', eventId: expect.any(String) });
  });

  it('refuses a forged signature, a tampered body, a missing signature and a source without a secret', async () => {
    const payload = { action: 'opened', issue: { number: 1 }, repository };
    const forged = await signedGithubDelivery('wrong secret', 'issues', payload);
    const good = await signedGithubDelivery(SECRET, 'issues', payload);
    const tampered = { ...good, rawBody: good.rawBody.replace('"opened"', '"deleted"') };
    const unsigned = { ...good, headers: { ...good.headers, 'x-hub-signature-256': '' } };
    for (const req of [forged, tampered, unsigned]) {
      const out = await githubConnector.webhook!(ctx(), req);
      expect(out).toMatchObject({ matched: false, response: { status: 401 } });
      expect(out.sync).toBeUndefined();
    }
    const noSecret = createConnectorContext(githubConnector, { config: { repos: ['acme/widgets'] }, credentials });
    expect((await githubConnector.webhook!(noSecret, good)).matched).toBe(false);
    const fromCredential = createConnectorContext(githubConnector, {
      config: { repos: ['acme/widgets'] },
      credentials: { ...credentials, extra: { webhookSecret: SECRET } },
    });
    expect((await githubConnector.webhook!(fromCredential, good)).matched).toBe(true);
  });

  it('a deleted issue or comment is tombstoned by the sync the delivery triggers', async () => {
    twin = await startGithubTwin(seed.state);
    const comment = seed.repo.comments.find((c) => c.issue === 4)!;
    const issueOut = await githubConnector.webhook!(
      ctx(),
      await signedGithubDelivery(SECRET, 'issues', { action: 'deleted', issue: { number: 2 }, repository }),
    );
    const commentOut = await githubConnector.webhook!(
      ctx(),
      await signedGithubDelivery(SECRET, 'issue_comment', {
        action: 'deleted',
        issue: { number: 4 },
        comment: { id: comment.id },
        repository,
      }),
    );
    expect(issueOut.sync?.hints?.deletes).toEqual(['acme/widgets#2']);
    expect(commentOut.sync?.hints?.deletes).toEqual([`acme/widgets#4/comment/${comment.id}`]);
    const fullCtx = createTestContext(githubConnector, {
      config: { repos: ['acme/widgets'], baseUrl: twin.url },
      credentials,
    });
    const full = await collectPages(githubConnector, fullCtx);
    const pages = await collectPages(
      githubConnector,
      createTestContext(githubConnector, {
        config: { repos: ['acme/widgets'], baseUrl: twin.url },
        credentials,
        hints: issueOut.sync!.hints!,
        checkpoint: full.at(-1)!.checkpoint,
        state: fullCtx.state,
      }),
    );
    expect(pages.flatMap((p) => p.deletes ?? [])).toEqual(['acme/widgets#2']);
    expect(pages.flatMap((p) => p.items ?? [])).toEqual([]);
  });
});
