import { afterEach, describe, expect, it } from 'vitest';
import { gitlabSpecProblems, seedGitlab, startGitlabTwin, type GitlabTwin } from './index.js';

let twin: GitlabTwin | undefined;
afterEach(async () => {
  await twin?.close();
  twin = undefined;
});

const get = (t: GitlabTwin, path: string, token = 'glpat-twin') =>
  fetch(`${t.url}/api/v4${path}`, { headers: { 'private-token': token } });

describe('GitLab twin', () => {
  it('pages by offset (x-total, Link rel=next) and by keyset cursor, and its answers validate against the spec', async () => {
    const seed = seedGitlab({ issues: 45, mergeRequests: 3, commits: 25, notesPerItem: 3 });
    twin = await startGitlabTwin(seed.state);
    const p = encodeURIComponent('acme/widgets');
    const first = await get(twin, `/projects/${p}/issues?per_page=20&order_by=updated_at&sort=asc`);
    expect(first.headers.get('x-total')).toBe('45');
    expect(first.headers.get('link')).toMatch(/page=2.*rel="next"/);
    const seen: number[] = [];
    let url: string | undefined =
      `${twin.url}/api/v4/projects/${p}/issues?per_page=20&order_by=updated_at&sort=asc&pagination=keyset`;
    while (url) {
      const res: Response = await fetch(url, { headers: { authorization: 'Bearer glpat-twin' } });
      seen.push(...((await res.json()) as Array<{ iid: number }>).map((i) => i.iid));
      url = /<([^>]+)>; rel="next"/.exec(res.headers.get('link') ?? '')?.[1];
    }
    expect(seen.length).toBe(45);
    expect(new Set(seen).size).toBe(45);
    const since = seed.state.projects[0]!.issues[40]!.updated_at;
    const recent = (await (await get(twin, `/projects/${p}/issues?updated_after=${since}`)).json()) as unknown[];
    expect(recent.length).toBe(5);
    await get(twin, '/user');
    await get(twin, `/projects/${p}`);
    await get(twin, '/groups/acme/projects?include_subgroups=true');
    await get(twin, `/projects/${p}/merge_requests?per_page=100`);
    await get(twin, `/projects/${p}/merge_requests/1/diffs`);
    await get(twin, `/projects/${p}/merge_requests/1/discussions`);
    await get(twin, `/projects/${p}/issues/2/discussions`);
    await get(twin, `/projects/${p}/issues/2`);
    await get(twin, `/projects/${p}/merge_requests/2`);
    await get(twin, `/projects/${p}/repository/commits?ref_name=main&per_page=100`);
    await get(twin, `/projects/${p}/wikis?with_content=1`);
    expect(gitlabSpecProblems(twin.exchanges)).toEqual([]);
    // The check is real: a wrong type fails it.
    const bad = { ...twin.exchanges.find((x) => x.route === 'issues.list')!, body: [{ iid: 'seven' }] };
    expect(gitlabSpecProblems([bad])).not.toEqual([]);
  });

  it('refuses unknown and expired tokens with 401 and unknown projects with 404', async () => {
    twin = await startGitlabTwin(seedGitlab({ issues: 1 }).state);
    expect((await get(twin, '/user', 'glpat-forged')).status).toBe(401);
    const expired = await get(twin, '/user', 'glpat-expired');
    expect(expired.status).toBe(401);
    expect(((await expired.json()) as { error: string }).error).toBe('invalid_token');
    expect((await get(twin, `/projects/${encodeURIComponent('acme/nope')}`)).status).toBe(404);
  });
});
