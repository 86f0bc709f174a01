import {
  applyPages,
  collectPages,
  createConnectorContext,
  createTestContext,
  createInstantClock,
  readToEnd,
  type TestReadContextOptions,
} from '@tributary/sdk/testing';
import type { Credential } from '@tributary/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ADF_EVERYTHING_MARKDOWN,
  commentBody,
  seedJiraSite,
  signedJiraDelivery,
  startJiraTwin,
  type JiraSeed,
  type JiraTwin,
} from '../../../../test/twins/atlassian/index.js';
import { jiraConnector } from './index.js';

const credentials: Credential = { kind: 'password', username: 'ada@example.com', password: 'jira-token' };
let twin: JiraTwin | undefined;
afterEach(async () => {
  await twin?.close();
  twin = undefined;
});

async function start(seed: JiraSeed): Promise<JiraTwin> {
  twin = await startJiraTwin(seed.state);
  seed.state.siteUrl = twin.siteUrl;
  return twin;
}

const instantClock = () => createInstantClock(Date.UTC(2026, 0, 3));

const readAll = (t: JiraTwin, extra: TestReadContextOptions = {}, config = {}) =>
  readToEnd(jiraConnector, { config: { siteUrl: t.siteUrl, ...config }, credentials, ...extra });
const itemIds = (pages: Awaited<ReturnType<typeof readAll>>['pages']) =>
  pages.flatMap((p) => p.items ?? []).map((i) => i.externalId);

describe('jira connector against the twin', () => {
  it('reads 3 projects × 500 issues × 5 comments exactly, descriptions and comments as Markdown', async () => {
    const seed = seedJiraSite({ projects: 3, issuesPerProject: 500, commentsPerIssue: 5 });
    const t = await start(seed);
    const full = await readAll(t);
    const items = [...full.state.values()].map((v) => v.item);
    expect(items.filter((i) => i.stream === 'issues')).toHaveLength(1500);
    expect(items.filter((i) => i.stream === 'comments')).toHaveLength(7500);
    const c = t.counts();
    expect(c['search.jql']).toBe(15);
    expect(c['issue.comments']).toBe(1500);
    console.log(`jira full read: ${t.total()} calls for ${full.state.size} items (${JSON.stringify(c)})`);

    const first = full.state.get(`issue:${seed.issueIds[0]}`)!.item;
    expect(first).toMatchObject({
      stream: 'issues',
      title: 'OPS-1: OPS problem 0',
      url: `${t.siteUrl}/browse/OPS-1`,
      container: 'OPS',
      author: 'Ada Lovelace',
      thread: `issue:${seed.issueIds[0]}`,
    });
    // Every ADF node type, the attachment linked by its file name.
    expect(first.content).toBe(
      ADF_EVERYTHING_MARKDOWN.replace(
        '📎 diagram.png',
        `[📎 diagram.png](${t.siteUrl}/rest/api/3/attachment/content/${seed.state.issues.get(seed.issueIds[0]!)!.attachments[0]!.id})`,
      ),
    );
    expect(first.metadata).toMatchObject({
      status: 'In Progress',
      changelog: [{ field: 'status', from: 'To Do', to: 'In Progress', author: 'Alan Turing' }],
    });
    expect(first.tags).toEqual(['frontend', 'customer', 'status:In Progress', 'type:Bug']);
    const issue4 = full.state.get(`issue:${seed.issueIds[3]}`)!.item;
    expect(issue4.content).toBe(
      'Problem 1: slow dashboard. Reported by @Grace Hopper.\n\n1. Open the app\n2. Try slow dashboard\n\n```text\nerror 1: slow dashboard\n```',
    );
    const comment = items.find((i) => i.stream === 'comments' && i.thread === `issue:${seed.issueIds[3]}`)!;
    expect(comment).toMatchObject({ content: 'Comment 0 on problem 1: _looking into it_', author: 'Ada Lovelace' });
    expect(comment.url).toMatch(/\/browse\/OPS-2\?focusedCommentId=\d+$/);
  });

  it('after 100 changes reads only those, at most 2 calls per changed item', async () => {
    const seed = seedJiraSite({ projects: 3, issuesPerProject: 200, commentsPerIssue: 2 });
    const t = await start(seed);
    const clock = instantClock();
    const full = await readAll(t, { clock });
    const s = seed.state;
    const expected: string[] = [];
    seed.issueIds.slice(0, 120).forEach((id, n) => {
      if (n % 6 === 0) return;
      if (n % 2) {
        s.edit(id, 'acc-grace', { summary: `Changed ${n}` });
        expected.push(`issue:${id}`);
      } else expected.push(`issue:${id}/comment:${s.comment(id, 'acc-alan', commentBody(n, 7)).id}`);
    });
    expect(expected).toHaveLength(100);
    t.resetCounts();
    clock.advance(3_600_000);
    const inc = await readAll(t, { clock, checkpoint: full.last, state: full.ctx.state });
    expect(itemIds(inc.pages).sort()).toEqual(expected.sort());
    const calls = t.total();
    console.log(
      `jira incremental: ${calls} calls for 100 changed items (${(calls / 100).toFixed(2)} per item: ${JSON.stringify(t.counts())})`,
    );
    expect(calls / 100).toBeLessThanOrEqual(2);
    expect(t.counts()['issue.comments']).toBe(100);
  });

  it('scopes by projects and the user JQL, and reads JQL dates in the user time zone', async () => {
    const seed = seedJiraSite({ projects: 3, issuesPerProject: 20, commentsPerIssue: 0 });
    seed.state.timeZone = 'Pacific/Honolulu';
    const t = await start(seed);
    const only = await readAll(
      t,
      {},
      { projects: { include: ['OPS', 'WEB'], exclude: ['WEB'] }, jql: 'labels = backend' },
    );
    const keys = [...only.state.values()].map((v) => v.item.metadata!.key as string);
    expect(keys).toHaveLength(10);
    expect(keys.every((k) => k.startsWith('OPS-'))).toBe(true);
    expect(t.exchanges.find((x) => x.route === 'search.jql')!.query.jql).toBe(
      '(labels = backend) AND project in ("OPS", "WEB") AND project not in ("WEB") ORDER BY updated ASC, id ASC',
    );

    // An incremental search is bounded in Honolulu time (UTC−10): formatted in UTC it would start 10 h late and miss
    // this edit; read in the right zone it lists only the edit and the overlap window.
    const clock = instantClock();
    const full = await readAll(t, { clock });
    const edited = seed.issueIds[59]!;
    seed.state.edit(edited, 'acc-ada', { status: 'Done' });
    t.resetCounts();
    const inc = await readAll(t, { clock, checkpoint: full.last, state: full.ctx.state }, { reconcileHours: 24 });
    expect(itemIds(inc.pages)).toEqual([`issue:${edited}`]);
    const listed = t.exchanges
      .filter((x) => x.route === 'search.jql')
      .flatMap((x) => (x.body as { issues: unknown[] }).issues);
    expect(listed.length).toBeLessThan(10);
    // Five minutes (the overlap) before the newest update read, as Honolulu wall-clock time.
    const from = new Date(Date.parse(full.last.hw as string) - 5 * 60_000 - 10 * 3_600_000).toISOString();
    const local = `${from.slice(0, 10).replace(/-/g, '/')} ${from.slice(11, 16)}`;
    expect(t.exchanges.find((x) => x.route === 'search.jql')!.query.jql).toBe(
      `updated >= "${local}" ORDER BY updated ASC, id ASC`,
    );
  });

  it('deletes an issue and its comments on a verified issue_deleted webhook, and on reconciliation', async () => {
    const seed = seedJiraSite({ projects: 1, issuesPerProject: 10, commentsPerIssue: 2 });
    const t = await start(seed);
    const config = { webhookSecret: 'hook-secret', reconcileHours: 24 };
    const clock = instantClock();
    const full = await readAll(t, { clock }, config);
    const [a, b] = [seed.issueIds[2]!, seed.issueIds[4]!];
    const commentsOf = (id: string) => seed.state.issues.get(id)!.comments.map((c) => `issue:${id}/comment:${c.id}`);
    const expectA = [`issue:${a}`, ...commentsOf(a)];
    const expectB = [`issue:${b}`, ...commentsOf(b)];
    seed.state.remove(a);
    seed.state.remove(b);

    const hookCtx = createConnectorContext(jiraConnector, { config: { siteUrl: t.siteUrl, ...config }, credentials });
    const payload = { timestamp: Date.now(), webhookEvent: 'jira:issue_deleted', issue: { id: a, key: 'OPS-3' } };
    const forged = signedJiraDelivery('wrong-secret', payload);
    expect(await jiraConnector.webhook!(hookCtx, forged)).toMatchObject({ matched: false, response: { status: 401 } });
    const delivery = signedJiraDelivery('hook-secret', payload);
    const outcome = await jiraConnector.webhook!(hookCtx, delivery);
    expect(outcome).toMatchObject({ matched: true, sync: { hints: { deletes: [a], event: 'jira:issue_deleted' } } });
    expect(outcome.sync!.hints!.eventId).toBe(delivery.headers['x-atlassian-webhook-identifier']);

    const hinted = await readAll(
      t,
      { clock, checkpoint: full.last, state: full.ctx.state, hints: outcome.sync!.hints! },
      config,
    );
    expect(hinted.pages.flatMap((p) => p.deletes ?? []).sort()).toEqual(expectA.sort());

    // b had no webhook: the reconciliation (due after 24 h) finds it gone.
    clock.advance(25 * 3_600_000);
    const due = await readAll(t, { clock, checkpoint: hinted.last, state: hinted.ctx.state }, config);
    expect(due.pages.flatMap((p) => p.deletes ?? []).sort()).toEqual(expectB.sort());
    expect(itemIds(due.pages)).toEqual([]);
  });

  it('uses OAuth through accessible-resources and /ex/jira/{cloudId}, refreshing an expired token once', async () => {
    const seed = seedJiraSite({ projects: 1, issuesPerProject: 3, commentsPerIssue: 1 });
    seed.state.oauthTokens.set('old-token', 'expired');
    seed.state.oauthTokens.set('new-token', 'valid');
    const t = await start(seed);
    seed.state.siteUrl = 'https://twin.atlassian.net';
    const ctx = createTestContext(jiraConnector, {
      config: { apiUrl: t.apiUrl, siteUrl: 'https://twin.atlassian.net' },
      credentials: { kind: 'oauth2', accessToken: 'old-token' },
    });
    let refreshes = 0;
    ctx.credentials = {
      get: async () => ({ kind: 'oauth2', accessToken: 'old-token' }),
      refresh: async () => {
        refreshes++;
        return { kind: 'oauth2', accessToken: 'new-token' };
      },
    };
    const state = applyPages(new Map(), await collectPages(jiraConnector, ctx));
    expect(state.size).toBe(6);
    expect(refreshes).toBe(1);
    expect(state.get(`issue:${seed.issueIds[0]}`)!.item.url).toBe('https://twin.atlassian.net/browse/OPS-1');
    expect(
      t.exchanges
        .filter((x) => x.route === 'search.jql')
        .every((x) => x.path.startsWith(`/ex/jira/${seed.state.cloudId}/`)),
    ).toBe(true);

    const wrongSite = await jiraConnector.check(
      createConnectorContext(jiraConnector, {
        config: { apiUrl: t.apiUrl, siteUrl: 'https://other.atlassian.net' },
        credentials: { kind: 'oauth2', accessToken: 'new-token' },
      }),
    );
    expect(wrongSite).toMatchObject({ ok: false });
    expect(wrongSite.message).toMatch(/^permission_denied: .*no Jira site at https:\/\/other\.atlassian\.net/);
    const badToken = await jiraConnector.check(
      createConnectorContext(jiraConnector, {
        config: { siteUrl: t.siteUrl },
        credentials: { kind: 'password', username: 'ada@example.com', password: 'leaked-secret-value' },
      }),
    );
    expect(badToken.message).toMatch(/^auth_invalid: .*store a new one/);
    expect(badToken.message).not.toContain('leaked-secret-value');
  });

  it('completes a 429 storm with the same result, waiting Retry-After; refuses a bad JQL with invalid_config', async () => {
    const seed = seedJiraSite({ projects: 2, issuesPerProject: 30, commentsPerIssue: 1 });
    const t = await start(seed);
    const calm = await readAll(t);
    const storm = t.faults.inject({
      status: 429,
      headers: { 'retry-after': '3', 'x-ratelimit-remaining': '0' },
      body: { errorMessages: ['Rate limit exceeded.'] },
      every: 3,
    });
    const clock = instantClock();
    const stormy = await readAll(t, { clock });
    expect(storm.fired).toBeGreaterThan(10);
    expect([...stormy.state.entries()].map(([k, v]) => [k, v.hash])).toEqual(
      [...calm.state.entries()].map(([k, v]) => [k, v.hash]),
    );
    expect(clock.slept).toEqual(Array(storm.fired).fill(3000));
    t.faults.clear();
    await expect(readAll(t, {}, { jql: 'summary ~ "x" ORDER' })).rejects.toMatchObject({ code: 'invalid_config' });
  });
});
