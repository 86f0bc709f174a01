import type { Credential } from '@tributary/sdk';
import { applyPages, collectPages, createTestContext, createInstantClock } from '@tributary/sdk/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  gitlabDelivery,
  gitlabSpecProblems,
  projectPayload,
  seedGitlab,
  startGitlabTwin,
  type GitlabSeed,
  type GitlabTwin,
} from '../../../../test/twins/gitlab/index.js';
import { gitlabConnector } from './index.js';

const credentials = { kind: 'token' as const, token: 'glpat-twin' };
const P = 'acme/widgets';
let twin: GitlabTwin | undefined;
afterEach(async () => {
  await twin?.close();
  twin = undefined;
});

async function read(t: GitlabTwin, extra: Parameters<typeof createTestContext>[1] = {}, config = {}) {
  const ctx = createTestContext(gitlabConnector, {
    config: { projects: [P], baseUrl: t.url, ...config },
    credentials,
    ...extra,
  });
  const pages = await collectPages(gitlabConnector, ctx);
  return { ctx, pages, state: applyPages(new Map(), pages) };
}

const byStream = (state: Map<string, { item: { stream: string } }>): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const { item } of state.values()) out[item.stream] = (out[item.stream] ?? 0) + 1;
  return out;
};

const ISSUES = 500;
const MRS = 200;
const NOTES = 5;
const COMMITS = 300;

describe('gitlab connector against the twin (1 project: 500 issues, 200 MRs, 5 notes each, 300 commits)', () => {
  let seed: GitlabSeed;

  it('reads exact counts per stream, every answer validates against the spec, and 100 changes cost only their calls', async () => {
    seed = seedGitlab({ issues: ISSUES, mergeRequests: MRS, notesPerItem: NOTES, commits: COMMITS, wikiPages: 4 });
    const t = (twin = await startGitlabTwin(seed.state));
    const full = await read(t);
    expect(byStream(full.state)).toEqual({
      repositories: 1,
      issues: ISSUES,
      'pull-requests': MRS,
      comments: (ISSUES + MRS) * NOTES,
      commits: COMMITS,
      'wiki-pages': 4,
    });
    expect(gitlabSpecProblems(t.exchanges)).toEqual([]);
    const mr = full.state.get(`${P}!3`)!.item as { content: string; metadata: Record<string, unknown> };
    expect(mr.content).toMatch(/Changed files \(3\):\n- src\/feature-3\/file-0\.ts \(\+10 −0\) added/);
    expect(mr.metadata).toMatchObject({ changedFiles: 3, merged: true, sourceBranch: 'feature-3' });
    const fullCalls = full.ctx.stats.apiCalls;
    console.log(`gitlab full read: ${fullCalls} calls for ${full.state.size} items`, t.counts());

    // 100 changes: 60 issues edited, a note on 20 merge requests, 20 commits.
    const p = seed.projects[0]!;
    const state = seed.state;
    const changed: string[] = [];
    for (let i = 1; i <= 60; i++)
      changed.push(`${P}#${state.edit(p, 'issues', i * 7, { description: `Edited ${i}` }).iid}`);
    for (let i = 1; i <= 20; i++)
      changed.push(`${P}!${i * 9}/note/${state.addNote(p, 'merge_requests', i * 9, `Re ${i}`).id}`);
    for (let i = 0; i < 20; i++) changed.push(`${P}@${state.commit(p, `Change ${i}`).id}`);
    t.resetCounts();
    const inc = await read(t, { checkpoint: full.pages.at(-1)!.checkpoint, state: full.ctx.state });
    const got = inc.pages.flatMap((x) => x.items ?? []).map((i) => i.externalId);
    // The changed ones, and the 20 merge requests the new notes touched (their notes count and updatedAt).
    const touched = Array.from({ length: 20 }, (_, i) => `${P}!${(i + 1) * 9}`);
    expect(got.sort()).toEqual([...changed, ...touched].sort());
    const calls = inc.ctx.stats.apiCalls;
    console.log(
      `gitlab incremental after 100 changes: ${calls} calls (${(calls / 100).toFixed(2)} per changed item) against ${fullCalls} for the full read`,
      t.counts(),
    );
    // Per changed issue or MR: its discussions (and an MR's diffs). Fixed costs: the project, 2 issue pages (60 edits
    // and the issues GitLab returns again inside the 300 s overlap, skipped), 1 MR page, 2 count probes, 1 commit
    // page, the wiki.
    expect(t.counts()).toEqual({
      'projects.show': 1,
      'issues.list': 2 + 1,
      'issues.discussions': 60,
      'merge_requests.list': 1 + 1,
      'merge_requests.diffs': 20,
      'merge_requests.discussions': 20,
      'commits.list': 1,
      'wikis.list': 1,
    });

    // Nothing changed: the lists and probes only, nothing yielded.
    t.resetCounts();
    const idle = await read(t, { checkpoint: inc.pages.at(-1)!.checkpoint, state: inc.ctx.state });
    expect(idle.state.size).toBe(0);
    expect(Object.keys(t.counts()).filter((r) => /discussions|diffs/.test(r))).toEqual([]);
  });

  it('finds deleted issues by their count, deleted notes through a note webhook, closed ones when not kept', async () => {
    seed = seedGitlab({ issues: 40, mergeRequests: 5, notesPerItem: 3, commits: 5, wikiPages: 2 });
    const t = (twin = await startGitlabTwin(seed.state));
    const p = seed.projects[0]!;
    const full = await read(t);
    const doomed = seed.state.find(p, 'issues', 12);
    const doomedNotes = doomed.discussions.flatMap((d) => d.notes).map((n) => `${P}#12/note/${n.id}`);
    seed.state.remove(p, 'issues', 12);
    const inc = await read(t, { checkpoint: full.pages.at(-1)!.checkpoint, state: full.ctx.state });
    expect(inc.pages.flatMap((x) => x.deletes ?? []).sort()).toEqual([`${P}#12`, ...doomedNotes].sort());

    // A deleted note does not touch its issue: the note webhook names the issue, its discussions are read again.
    const note = seed.state.find(p, 'issues', 20).discussions[0]!.notes[0]!;
    seed.state.deleteNote(p, 'issues', 20, note.id);
    const token = 'gl-hook-secret';
    const hookCtx = createTestContext(gitlabConnector, {
      config: { projects: [P], baseUrl: t.url, webhookToken: token },
      credentials,
    });
    const payload = {
      object_kind: 'note',
      project: projectPayload(p),
      object_attributes: { noteable_type: 'Issue', action: 'delete' },
      issue: { iid: 20 },
    };
    const forged = await gitlabConnector.webhook!(hookCtx, gitlabDelivery('wrong', 'Note Hook', payload));
    expect(forged).toMatchObject({ matched: false, response: { status: 401 } });
    expect(forged.sync).toBeUndefined();
    const missing = await gitlabConnector.webhook!(hookCtx, gitlabDelivery(undefined, 'Note Hook', payload));
    expect(missing.response.status).toBe(401);
    const ok = await gitlabConnector.webhook!(hookCtx, gitlabDelivery(token, 'Note Hook', payload));
    expect(ok.sync?.hints).toEqual({
      project: P,
      stream: 'issues',
      noteables: ['i:20'],
      eventId: '4b3c1d2e-0000-4000-8000-000000000001',
    });
    const hooked = await read(t, {
      checkpoint: inc.pages.at(-1)!.checkpoint,
      state: inc.ctx.state,
      mode: 'incremental',
      hints: ok.sync!.hints!,
    });
    expect(hooked.pages.flatMap((x) => x.deletes ?? [])).toEqual([`${P}#20/note/${note.id}`]);
    expect(hooked.pages.flatMap((x) => x.items ?? [])).toEqual([]);

    // A wiki page deleted: the hook carries its id; a push to another branch asks for nothing.
    const wiki = await gitlabConnector.webhook!(
      hookCtx,
      gitlabDelivery(token, 'Wiki Page Hook', {
        project: projectPayload(p),
        object_attributes: { slug: 'Page-1', action: 'delete' },
      }),
    );
    expect(wiki.sync?.hints).toMatchObject({ project: P, stream: 'wiki', deletes: [`${P}/wiki:Page-1`] });
    const push = await gitlabConnector.webhook!(
      hookCtx,
      gitlabDelivery(token, 'Push Hook', { project: projectPayload(p), ref: 'refs/heads/feature' }),
    );
    expect(push).toMatchObject({ matched: true, response: { status: 202 } });
    expect(push.sync).toBeUndefined();

    // includeClosed off: closing an issue removes it.
    const open = await read(t, {}, { includeClosed: false });
    const closedCount = seed.state.list(p, 'issues').filter((i) => i.state !== 'opened').length;
    expect(byStream(open.state).issues).toBe(39 - closedCount);
  });

  it('waits out 429 Retry-After, survives 5xx, refreshes an expired OAuth token once, and maps errors', async () => {
    seed = seedGitlab({ issues: 20, mergeRequests: 4, notesPerItem: 1, commits: 10, wikiPages: 1 });
    const t = (twin = await startGitlabTwin(seed.state));
    const calm = await read(t);
    const clock = createInstantClock();
    const limited = t.faults.inject({
      status: 429,
      headers: { 'retry-after': '3' },
      body: { message: 'Retry later' },
      every: 5,
      times: 3,
    });
    t.faults.inject({ route: 'issues.list', status: 502, times: 1 });
    const again = await read(t, { clock });
    expect([...again.state.keys()].sort()).toEqual([...calm.state.keys()].sort());
    expect(limited.fired).toBe(3);
    expect(clock.slept.filter((ms) => ms === 3000)).toHaveLength(3);
    expect(again.ctx.stats.rateLimitWaitMs).toBeGreaterThanOrEqual(9000);

    // OAuth: the stored access token expired; the vault's refresh gives a valid one and the read goes on.
    const ctx = createTestContext(gitlabConnector, {
      config: { projects: [P], baseUrl: t.url },
      credentials: { kind: 'oauth2', accessToken: 'glpat-expired' },
    });
    let refreshes = 0;
    const fresh: Credential = { kind: 'oauth2', accessToken: 'glpat-twin' };
    Object.assign(ctx, {
      credentials: {
        get: async () => ({ kind: 'oauth2', accessToken: 'glpat-expired' }),
        refresh: async () => (refreshes++, fresh),
      },
    });
    const viaOauth = applyPages(new Map(), await collectPages(gitlabConnector, ctx));
    expect(viaOauth.size).toBe(calm.state.size);
    expect(refreshes).toBe(1);
    // Still expired after the refresh: auth_expired with the fix, never the token.
    const stuck = createTestContext(gitlabConnector, {
      config: { projects: [P], baseUrl: t.url },
      credentials: { kind: 'oauth2', accessToken: 'glpat-expired' },
    });
    const err = await collectPages(gitlabConnector, stuck).then(
      () => undefined,
      (e: unknown) => e as Error & { code: string },
    );
    expect(err).toMatchObject({ code: 'auth_expired' });
    expect(String(err?.message)).not.toContain('glpat-expired');
    const check = await gitlabConnector.check!(
      createTestContext(gitlabConnector, { config: { projects: ['acme/nope'], baseUrl: t.url }, credentials }),
    );
    expect(check).toMatchObject({ ok: false });
    expect(check.message).toMatch(/^not_found: Project acme\/nope not found/);
  });

  it('reads every project of a group and its subgroups, and bounds a first sync by maxAgeDays', async () => {
    seed = seedGitlab({ projects: 3, issues: 10, mergeRequests: 2, notesPerItem: 1, commits: 3, wikiPages: 1 });
    seed.state.addProject('other/elsewhere');
    const t = (twin = await startGitlabTwin(seed.state));
    const ctx = (includeSubgroups: boolean) =>
      createTestContext(gitlabConnector, {
        config: { groups: ['acme'], baseUrl: t.url, includeSubgroups },
        credentials,
      });
    expect((await gitlabConnector.discover!(ctx(true))).map((r) => r.id)).toEqual([
      'acme/sub/p-1',
      'acme/sub/p-2',
      'acme/widgets',
    ]);
    expect((await gitlabConnector.discover!(ctx(false))).map((r) => r.id)).toEqual(['acme/widgets']);
    const issues = seed.projects[0]!.issues;
    const bound = Date.parse(issues[6]!.created_at);
    // The seed notes every issue after creating them all: bound by the last issue's creation instead.
    const clock = { now: () => bound + 86_400_000, sleep: async () => undefined };
    const recent = await read(t, { clock }, { maxAgeDays: 1 });
    const kept = issues.filter((i) => Date.parse(i.updated_at) >= bound).length;
    expect(byStream(recent.state).issues).toBe(kept);
    expect(byStream(recent.state).commits).toBeUndefined();
  });
});
