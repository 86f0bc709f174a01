import { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSchemaValidator, pointerSegment } from '../kit/index.js';
import { githubSpec, GITHUB_OPERATIONS, seedGithubRepo, startGithubTwin, type GithubTwin } from './index.js';

const validator = createSchemaValidator(githubSpec());
const pointer = (route: string) =>
  `#/paths/${pointerSegment(GITHUB_OPERATIONS[route]!)}/get/responses/200/content/${pointerSegment('application/json')}/schema`;

let twin: GithubTwin;
beforeAll(async () => {
  twin = await startGithubTwin(seedGithubRepo({ issues: 12, pulls: 6, commits: 30, files: 6 }).state);
});
afterAll(async () => twin.close());

describe('github twin', () => {
  it("answers Octokit with responses that validate against GitHub's OpenAPI description", async () => {
    const octokit = new Octokit({ auth: 'ghp_twin', baseUrl: twin.url });
    const owner = 'acme';
    const repo = 'widgets';
    await octokit.rest.users.getAuthenticated();
    await octokit.rest.repos.listForUser({ username: owner });
    await octokit.rest.repos.listForAuthenticatedUser();
    const r = await octokit.rest.repos.get({ owner, repo });
    const branch = await octokit.rest.repos.getBranch({ owner, repo, branch: r.data.default_branch });
    const issues = await octokit.paginate(octokit.rest.issues.listForRepo, { owner, repo, state: 'all', per_page: 5 });
    expect(issues).toHaveLength(18);
    await octokit.rest.issues.listCommentsForRepo({ owner, repo, per_page: 100 });
    await octokit.rest.pulls.listReviewCommentsForRepo({ owner, repo });
    const pull = issues.find((i) => i.pull_request)!;
    await octokit.rest.pulls.listReviews({ owner, repo, pull_number: pull.number });
    const commits = await octokit.paginate(octokit.rest.repos.listCommits, { owner, repo, per_page: 7 });
    expect(commits).toHaveLength(30);
    expect(commits[0]!.sha).toBe(branch.data.commit.sha);
    const tree = await octokit.rest.git.getTree({
      owner,
      repo,
      tree_sha: branch.data.commit.commit.tree.sha,
      recursive: '1',
    });
    const blob = tree.data.tree.find((e) => e.type === 'blob')!;
    const got = await octokit.rest.git.getBlob({ owner, repo, file_sha: blob.sha! });
    expect(Buffer.from(got.data.content, 'base64').length).toBe(blob.size);
    const checked = new Set<string>();
    const problems: Array<[string, string[]]> = [];
    for (const x of twin.exchanges) {
      checked.add(x.route);
      const p = validator.validate(pointer(x.route), x.body);
      if (p.length) problems.push([x.route, p]);
    }
    expect(problems).toEqual([]);
    // The check has teeth: a wrong type or a missing required field is caught.
    const issue = twin.exchanges.find((x) => x.route === 'issues/list-for-repo')!.body as Array<
      Record<string, unknown>
    >;
    expect(validator.validate(pointer('issues/list-for-repo'), [{ ...issue[0], number: 'seven' }])).not.toEqual([]);
    expect(
      validator.validate(
        pointer('issues/list-for-repo'),
        [{ ...issue[0], user: undefined, title: undefined }].map((i) => JSON.parse(JSON.stringify(i))),
      ),
    ).not.toEqual([]);
    expect([...checked].sort()).toEqual(Object.keys(GITHUB_OPERATIONS).sort());
  });

  it('pages with Link headers, refuses bad tokens with 401 and hides private repos', async () => {
    const res = await fetch(`${twin.url}/repos/acme/widgets/issues?state=all&per_page=5&page=2`, {
      headers: { authorization: 'token ghp_twin' },
    });
    expect(res.headers.get('link')).toMatch(/page=3>; rel="next".*page=4>; rel="last".*page=1>; rel="prev"/);
    expect(res.headers.get('x-ratelimit-remaining')).toMatch(/^\d+$/);
    const bad = await fetch(`${twin.url}/user`, { headers: { authorization: 'token ghp_nope' } });
    expect(bad.status).toBe(401);
    twin.state.addRepo('someone', 'secret', { private: true });
    expect(
      (await fetch(`${twin.url}/repos/someone/secret`, { headers: { authorization: 'token ghp_twin' } })).status,
    ).toBe(404);
  });

  it('answers 403 with x-ratelimit-remaining 0 when the primary limit is used up, until the reset', async () => {
    let now = Date.UTC(2026, 0, 1);
    const limited = await startGithubTwin(twin.state, { rateLimit: { limit: 3, windowMs: 60_000 }, now: () => now });
    try {
      const get = () => fetch(`${limited.url}/user`, { headers: { authorization: 'token ghp_twin' } });
      expect([(await get()).status, (await get()).status, (await get()).status]).toEqual([200, 200, 200]);
      const over = await get();
      expect(over.status).toBe(403);
      expect(over.headers.get('x-ratelimit-remaining')).toBe('0');
      expect(Number(over.headers.get('x-ratelimit-reset'))).toBe(Math.ceil((now + 60_000) / 1000));
      now += 60_000;
      expect((await get()).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
