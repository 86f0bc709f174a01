import { applyPages, collectPages, createTestContext } from '@tributary/sdk/testing';
import { afterAll, expect, it } from 'vitest';
import { seedGithubRepo, startGithubTwin, type GithubTwin } from '../../../../test/twins/github/index.js';
import { githubConnector } from './index.js';

let twin: GithubTwin | undefined;
afterAll(async () => twin?.close());

it('3 repos × (500 issues, 300 PRs, 1,000 commits, 200 files): exact counts per stream', async () => {
  const first = seedGithubRepo({ name: 'widgets', issues: 500, pulls: 300, commits: 1000, files: 200 });
  const seeds = [
    first,
    seedGithubRepo({ name: 'gadgets', issues: 500, pulls: 300, commits: 1000, files: 200, state: first.state }),
    seedGithubRepo({ name: 'gizmos', issues: 500, pulls: 300, commits: 1000, files: 200, state: first.state }),
  ];
  twin = await startGithubTwin(first.state);
  const ctx = createTestContext(githubConnector, {
    config: { repos: ['acme/widgets', 'acme/gadgets', 'acme/gizmos'], baseUrl: twin.url },
    credentials: { kind: 'token', token: 'ghp_twin' },
  });
  const pages = await collectPages(githubConnector, ctx, { maxPages: 100_000 });
  const state = applyPages(new Map(), pages);
  const counts: Record<string, number> = {};
  for (const { item } of state.values()) counts[item.stream] = (counts[item.stream] ?? 0) + 1;

  const sum = (f: (s: (typeof seeds)[number]) => number): number => seeds.reduce((n, s) => n + f(s), 0);
  for (const s of seeds) {
    expect([
      s.repo.issues.filter((i) => !i.pull).length,
      s.repo.issues.filter((i) => i.pull).length,
      s.repo.commits.length,
    ]).toEqual([500, 300, 1000]);
  }
  expect(counts).toEqual({
    repositories: 3,
    issues: 1500,
    'pull-requests': 900,
    comments: sum((s) => s.repo.comments.length + s.repo.reviewComments.length),
    reviews: sum((s) => s.repo.reviews.length),
    commits: 3000,
    files: sum((s) => s.textFiles.length),
  });
  expect(sum((s) => s.textFiles.length)).toBe(600);
}, 300_000);
