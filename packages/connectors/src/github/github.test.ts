import { createManualClock } from '@tributary/sdk';
import { applyPages, collectPages, createTestContext, createInstantClock } from '@tributary/sdk/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createSchemaValidator, pointerSegment } from '../../../../test/twins/kit/index.js';
import {
  githubSpec,
  GITHUB_OPERATIONS,
  seedGithubRepo,
  startGithubTwin,
  type GithubSeed,
  type GithubTwin,
  type GithubTwinOptions,
} from '../../../../test/twins/github/index.js';
import { githubConnector } from './index.js';

const credentials = { kind: 'token' as const, token: 'ghp_twin' };
let twin: GithubTwin | undefined;
afterEach(async () => {
  await twin?.close();
  twin = undefined;
});

async function start(seed: GithubSeed, options: GithubTwinOptions = {}): Promise<GithubTwin> {
  twin = await startGithubTwin(seed.state, options);
  return twin;
}

async function read(
  t: GithubTwin,
  config: Record<string, unknown> = {},
  extra: Parameters<typeof createTestContext>[1] = {},
) {
  const ctx = createTestContext(githubConnector, {
    config: { repos: ['acme/widgets'], baseUrl: t.url, ...config },
    credentials,
    ...extra,
  });
  const pages = await collectPages(githubConnector, ctx);
  return { ctx, pages, state: applyPages(new Map(), pages) };
}

const byStream = (state: Map<string, { item: { stream: string } }>): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const { item } of state.values()) out[item.stream] = (out[item.stream] ?? 0) + 1;
  return out;
};

describe('github connector against the twin (1 repo: 100 issues, 60 PRs, 200 commits, 40 files)', () => {
  it("yields exact counts per stream, and every response it used validates against GitHub's OpenAPI description", async () => {
    const seed = seedGithubRepo();
    const t = await start(seed);
    const full = await read(t);
    const r = seed.repo;
    expect(byStream(full.state)).toEqual({
      repositories: 1,
      issues: r.issues.filter((i) => !i.pull).length,
      'pull-requests': r.issues.filter((i) => i.pull).length,
      comments: r.comments.length + r.reviewComments.length,
      reviews: r.reviews.length,
      commits: r.commits.length,
      files: seed.textFiles.length,
    });
    expect([
      r.issues.filter((i) => !i.pull).length,
      r.issues.filter((i) => i.pull).length,
      r.commits.length,
      seed.textFiles.length,
    ]).toEqual([100, 60, 200, 40]);
    const validator = createSchemaValidator(githubSpec());
    const problems = t.exchanges
      .map(
        (x) =>
          [
            x.route,
            validator.validate(
              `#/paths/${pointerSegment(GITHUB_OPERATIONS[x.route]!)}/get/responses/200/content/${pointerSegment('application/json')}/schema`,
              x.body,
            ),
          ] as const,
      )
      .filter(([, p]) => p.length);
    expect(problems).toEqual([]);
    // Minimum calls at 100 per page: repo, 2 issue pages, 4 comment + 1 review-comment pages, 60 review lists,
    // branch, 2 commit pages, 1 tree, 40 blobs.
    console.log(`github full read: ${full.ctx.stats.apiCalls} calls for ${full.state.size} items`, t.counts());

    const open = await read(
      t,
      { includeClosed: false, includeComments: false },
      { features: { commits: false, files: false } },
    );
    expect(byStream(open.state)).toEqual({
      repositories: 1,
      issues: r.issues.filter((i) => !i.pull && i.state === 'open').length,
      'pull-requests': r.issues.filter((i) => i.pull && i.state === 'open').length,
    });
  });

  it('after edits, fetches only what changed and prints calls per changed item', async () => {
    const seed = seedGithubRepo();
    const t = await start(seed);
    const full = await read(t);
    const { state, repo } = seed;
    const edited = [4, 9, 30].map((n) => state.editIssue(repo, n, { body: `Edited ${n}` }));
    const comment = state.editComment(repo, repo.comments[10]!.id, 'Edited comment');
    const pull = repo.issues.find((i) => i.pull)!;
    const review = state.addReview(repo, pull.number, 'Second look: fine', 'APPROVED');
    const head = state.commit(
      repo,
      { 'docs/guide-2.md': '# Guide 2\n\nNew text\n', 'src/mod-3.ts': 'export const mod3 = 33;\n' },
      'Edit two files',
    );
    t.resetCounts();
    const inc = await read(t, {}, { checkpoint: full.pages.at(-1)!.checkpoint, state: full.ctx.state });
    const ids = inc.pages
      .flatMap((p) => p.items ?? [])
      .map((i) => i.externalId)
      .sort();
    const r = 'acme/widgets';
    const commentIssue = comment.issue;
    expect(ids).toEqual(
      [
        ...edited.map((i) => `${r}#${i.number}`),
        `${r}#${commentIssue}/comment/${comment.id}`,
        `${r}#${pull.number}`,
        `${r}#${pull.number}/review/${review.id}`,
        `${r}@${head.sha}`,
        `${r}:docs/guide-2.md`,
        `${r}:src/mod-3.ts`,
      ].sort(),
    );
    const counts = t.counts();
    // Only the two changed blobs and the one changed pull request's reviews are fetched.
    expect(counts['git/get-blob']).toBe(2);
    expect(counts['pulls/list-reviews']).toBe(1);
    expect(counts['git/get-tree']).toBe(2);
    console.log(
      `github incremental: ${t.total()} calls for ${ids.length} changed items (${(t.total() / ids.length).toFixed(2)} per changed item)`,
      counts,
    );

    // Nothing changed: a handful of calls (repo, issues, comments, review comments, branch) and no items.
    t.resetCounts();
    const idle = await read(t, {}, { checkpoint: inc.pages.at(-1)!.checkpoint, state: inc.ctx.state });
    expect(idle.state.size).toBe(0);
    expect(t.total()).toBe(5);
  });

  it('waits for x-ratelimit-reset when the primary limit runs out, and for Retry-After on secondary limits', async () => {
    const seed = seedGithubRepo({ issues: 20, pulls: 10, commits: 30, files: 10 });
    const calm = await read(await start(seed));
    await twin!.close();
    const clock = createInstantClock();
    const t = await start(seed, { rateLimit: { limit: 15, windowMs: 60_000 }, now: clock.now });
    const secondary = t.faults.inject({
      status: 403,
      headers: { 'retry-after': '2' },
      body: { message: 'You have exceeded a secondary rate limit' },
      every: 7,
      times: 3,
    });
    const limited = await read(t, {}, { clock });
    expect([...limited.state.keys()].sort()).toEqual([...calm.state.keys()].sort());
    expect(t.rateLimited()).toBeGreaterThan(0);
    expect(secondary.fired).toBe(3);
    expect(clock.slept.filter((ms) => ms === 2000)).toHaveLength(3);
    // Every primary-limit wait lasted until the window's reset (at most a minute).
    expect(clock.slept.filter((ms) => ms !== 2000).every((ms) => ms > 0 && ms <= 60_000)).toBe(true);
    expect(limited.ctx.stats.rateLimitWaitMs).toBe(clock.slept.reduce((a, b) => a + b, 0));
  });

  it('survives 5xx, a truncated body and a hung request; a full refresh drops deleted issues and comments', async () => {
    const seed = seedGithubRepo({ issues: 20, pulls: 5, commits: 10, files: 6 });
    const t = await start(seed);
    const calm = await read(t);
    t.faults.inject({ route: 'issues/list-for-repo', status: 502, times: 1 });
    t.faults.inject({ route: 'git/get-tree', kind: 'truncate', times: 1 });
    t.faults.inject({ route: 'git/get-blob', kind: 'hang', times: 1 });
    const faulty = await read(t, {}, { clock: createInstantClock(), http: { timeoutMs: 2000 } });
    expect([...faulty.state.keys()].sort()).toEqual([...calm.state.keys()].sort());
    const gone = seed.repo.comments[0]!;
    seed.state.deleteIssue(seed.repo, 2);
    seed.state.deleteComment(seed.repo, gone.id);
    const refresh = await read(t, {}, { mode: 'full_refresh' });
    expect(refresh.state.has('acme/widgets#2')).toBe(false);
    expect(refresh.state.has(`acme/widgets#${gone.issue}/comment/${gone.id}`)).toBe(false);
    expect(refresh.state.size).toBeLessThan(calm.state.size);
  });

  it('bounds a first sync by maxAgeDays', async () => {
    const seed = seedGithubRepo({ issues: 40, pulls: 10, commits: 20, files: 4 });
    const t = await start(seed);
    const issues = seed.repo.issues;
    // Updated at or after the bound (GitHub's since is inclusive, at second resolution).
    const bound = issues[25]!.updated_at;
    const clock = createManualClock(bound + 3 * 86_400_000);
    const recent = await read(t, { maxAgeDays: 3 }, { clock });
    const expected = issues.filter((i) => Math.floor(i.updated_at / 1000) >= Math.floor(bound / 1000));
    expect(byStream(recent.state).issues! + byStream(recent.state)['pull-requests']!).toBe(expected.length);
    expect(expected.length).toBeLessThan(issues.length);
    // Every commit is older than the bound (the seed commits first).
    expect(byStream(recent.state).commits).toBeUndefined();
  });

  it('lists owner/* repositories, skipping private ones unless asked', async () => {
    const seed = seedGithubRepo({ issues: 1, pulls: 1, commits: 2, files: 2 });
    seed.state.addRepo('acme', 'secret', { private: true });
    seed.state.addRepo('other', 'thing');
    const t = await start(seed);
    const ctx = (includePrivate: boolean) =>
      createTestContext(githubConnector, {
        config: { repos: ['acme/*'], baseUrl: t.url, includePrivate },
        credentials,
      });
    expect((await githubConnector.discover!(ctx(true))).map((r) => r.id)).toEqual(['acme/secret', 'acme/widgets']);
    expect((await githubConnector.discover!(ctx(false))).map((r) => r.id)).toEqual(['acme/widgets']);
  });
});
