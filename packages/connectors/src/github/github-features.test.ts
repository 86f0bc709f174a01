import { applyPages, collectPages, createTestContext, type TestReadContextOptions } from '@tributary/sdk/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { seedGithubRepo, startGithubTwin, type GithubTwin } from '../../../../test/twins/github/index.js';
import { githubConnector } from './index.js';

const credentials = { kind: 'token' as const, token: 'ghp_twin' };
let twin: GithubTwin | undefined;
afterEach(async () => {
  await twin?.close();
  twin = undefined;
});

/** Items per stream of one full read with these feature overrides. */
async function read(features: TestReadContextOptions['features']) {
  const ctx = createTestContext(githubConnector, {
    config: { repos: ['acme/widgets'], baseUrl: twin!.url },
    credentials,
    ...(features ? { features } : {}),
  });
  const state = applyPages(new Map(), await collectPages(githubConnector, ctx));
  const byStream: Record<string, number> = {};
  for (const { item } of state.values()) byStream[item.stream] = (byStream[item.stream] ?? 0) + 1;
  return { byStream, ctx };
}

describe('github pullRequests feature config', () => {
  it('includeReviews and maxAgeDays change what a read yields; the rate-limit gauge is updated', async () => {
    const seed = seedGithubRepo({ issues: 3, pulls: 4, commits: 2, files: 2, commentsPerIssue: 0 });
    twin = await startGithubTwin(seed.state);
    const all = await read(undefined);
    expect(all.byStream).toMatchObject({ issues: 3, 'pull-requests': 4, reviews: 4 });
    const remaining = all.ctx.metricUpdates.filter((m) => m.name === 'api_rate_limit_remaining');
    expect(remaining.length).toBeGreaterThan(0);
    expect(remaining.at(-1)).toMatchObject({ op: 'set', value: 5000 - all.ctx.stats.apiCalls });

    const noReviews = await read({ pullRequests: { config: { includeReviews: false } } });
    expect(noReviews.byStream).toMatchObject({ issues: 3, 'pull-requests': 4 });
    expect(noReviews.byStream.reviews).toBeUndefined();
    // fewer calls: no review list per pull request
    expect(noReviews.ctx.stats.apiCalls).toBe(all.ctx.stats.apiCalls - 4);

    // The twin's repository was seeded in November 2025: nothing is that recent with maxAgeDays 30.
    const recent = await read({ pullRequests: { config: { maxAgeDays: 30 } } });
    expect(recent.byStream['pull-requests']).toBeUndefined();
    expect(recent.byStream.issues).toBe(3);

    const off = await read({ pullRequests: false });
    expect(off.byStream['pull-requests']).toBeUndefined();
    expect(() =>
      createTestContext(githubConnector, {
        config: { repos: ['acme/widgets'] },
        features: { pullRequests: { config: { includeReview: 1 } } },
      }),
    ).toThrow(/features\.pullRequests\.config\.includeReview/);
  });
});
