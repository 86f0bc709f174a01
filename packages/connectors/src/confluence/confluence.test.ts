import {
  applyPages,
  collectPages,
  createConnectorContext,
  createTestContext,
  createInstantClock,
  readToEnd,
  type TestReadContextOptions,
} from '@tributary/sdk/testing';
import { createMemoryState, type Credential } from '@tributary/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ADF_EVERYTHING_MARKDOWN,
  commentBodyOf,
  seedConfluenceSite,
  simpleBody,
  startConfluenceTwin,
  type ConfluenceSeed,
  type ConfluenceTwin,
} from '../../../../test/twins/atlassian/index.js';
import { confluenceConnector } from './index.js';

const credentials: Credential = { kind: 'password', username: 'ada@example.com', password: 'wiki-token' };
let twin: ConfluenceTwin | undefined;
afterEach(async () => {
  await twin?.close();
  twin = undefined;
});

async function start(seed: ConfluenceSeed): Promise<ConfluenceTwin> {
  twin = await startConfluenceTwin(seed.state);
  return twin;
}

const instantClock = () => createInstantClock(Date.UTC(2026, 0, 3));

const readAll = (t: ConfluenceTwin, extra: TestReadContextOptions = {}, config = {}) =>
  readToEnd(confluenceConnector, { config: { siteUrl: t.siteUrl, ...config }, credentials, ...extra });
const itemsOf = (pages: Awaited<ReturnType<typeof readAll>>['pages']) => pages.flatMap((p) => p.items ?? []);

describe('confluence connector against the twin', () => {
  it('reads 5 spaces × 200 pages × 3 versions exactly: every version in order, the page tree as container', async () => {
    const seed = seedConfluenceSite({
      spaces: 5,
      pagesPerSpace: 200,
      versionsPerPage: 3,
      blogPostsPerSpace: 10,
      commentsPerPage: 1,
    });
    const t = await start(seed);
    const full = await readAll(t);
    const items = [...full.state.values()].map((v) => v.item);
    const count = (stream: string) => items.filter((i) => i.stream === stream).length;
    expect([count('pages'), count('blogposts'), count('comments')]).toEqual([1000, 50, 1000 + 500]);
    // Versions: every page yielded three times, oldest first (each one a version of the same memory).
    const yielded = itemsOf(full.pages).filter((i) => i.stream === 'pages');
    expect(yielded).toHaveLength(3000);
    const p7 = `page:${seed.pageIds[7]}`;
    expect(yielded.filter((i) => i.externalId === p7).map((i) => (i.metadata as { version: number }).version)).toEqual([
      1, 2, 3,
    ]);
    expect(full.state.get(p7)!.item.content).toBe(
      '# ENG page 7\n\nENG page 7, version 3: notes about release notes.\n\n- Point 3',
    );
    const c = t.counts();
    console.log(
      `confluence full read: ${t.total()} calls for ${yielded.length} page versions + ${count('blogposts')} posts + ${count('comments')} comments (${JSON.stringify(c)})`,
    );
    expect(c['page.get']).toBe(2000);

    const child = full.state.get(p7)!.item;
    expect(child.container).toBe('ENG / ENG page 5');
    expect(child.metadata).toMatchObject({
      spaceKey: 'ENG',
      version: 3,
      ancestors: [{ id: seed.pageIds[5], title: 'ENG page 5' }],
    });
    expect(child.url).toBe(`${t.siteUrl}/wiki/spaces/ENG/pages/${seed.pageIds[7]}`);
    expect(full.state.get(`page:${seed.pageIds[0]}`)!.item.content).toBe(ADF_EVERYTHING_MARKDOWN);

    const inline = items.find((i) => i.stream === 'comments' && i.title === 'Inline comment on ENG page 0')!;
    expect(inline).toMatchObject({
      thread: `page:${seed.pageIds[0]}`,
      container: 'ENG / ENG page 0',
      content: '> notes about\n\nInline remark on page 0',
    });
  });

  it('after 100 changes reads only those, at most 2 calls per changed item', async () => {
    const seed = seedConfluenceSite({
      spaces: 5,
      pagesPerSpace: 100,
      versionsPerPage: 1,
      blogPostsPerSpace: 4,
      commentsPerPage: 1,
    });
    const t = await start(seed);
    const clock = instantClock();
    const full = await readAll(t, { clock });
    const s = seed.state;
    const expected: string[] = [];
    seed.pageIds.slice(0, 100).forEach((id, n) => {
      if (n % 2) {
        s.edit(id, { body: simpleBody(`Edited ${n}`, 2) });
        expected.push(`page:${id}`);
      } else expected.push(`comment:${s.comment(id, 'footer', commentBodyOf(`New remark ${n}`)).id}`);
    });
    t.resetCounts();
    clock.advance(3_600_000);
    const inc = await readAll(t, { clock, checkpoint: full.last, state: full.ctx.state });
    expect(
      itemsOf(inc.pages)
        .map((i) => i.externalId)
        .sort(),
    ).toEqual(expected.sort());
    const calls = t.total();
    console.log(
      `confluence incremental: ${calls} calls for 100 changed items (${(calls / 100).toFixed(2)} per item: ${JSON.stringify(t.counts())})`,
    );
    expect(calls / 100).toBeLessThanOrEqual(2);
  });

  it('keeps missed versions as memory versions, reads storage bodies, and scopes by space', async () => {
    const seed = seedConfluenceSite({
      spaces: 3,
      pagesPerSpace: 6,
      versionsPerPage: 1,
      blogPostsPerSpace: 1,
      commentsPerPage: 1,
    });
    const t = await start(seed);
    const clock = instantClock();
    const config = { spaces: { include: ['ENG', 'OPS'], exclude: ['OPS'] }, bodyFormat: 'storage' };
    const full = await readAll(t, { clock }, config);
    const keys = new Set(
      [...full.state.values()].map(
        (v) => (v.item.metadata as { spaceKey?: string }).spaceKey ?? v.item.container!.split(' / ')[0],
      ),
    );
    expect(keys).toEqual(new Set(['ENG']));
    expect(t.exchanges.find((x) => x.route === 'pages')!.query['space-id']).toBe(seed.state.spaces[0]!.id);
    expect(full.state.get(`page:${seed.pageIds[0]}`)!.item.content).toContain(
      '```sql\nSELECT 1 < 2;\n```\n\n> **Warning — Careful:** Freeze starts Friday',
    );

    // Three edits between syncs: each missed version becomes a memory version, in order.
    const id = seed.pageIds[2]!;
    for (const v of [2, 3, 4]) seed.state.edit(id, { body: simpleBody('Page two', v) });
    const inc = await readAll(t, { clock, checkpoint: full.last, state: full.ctx.state }, config);
    const versions = itemsOf(inc.pages).filter((i) => i.externalId === `page:${id}`);
    expect(versions.map((i) => (i.metadata as { version: number }).version)).toEqual([2, 3, 4]);
    expect(versions.map((i) => i.content.split('\n\n')[1])).toEqual([
      'Page two, version 2: notes about architecture.',
      'Page two, version 3: notes about release notes.',
      'Page two, version 4: notes about hiring plan.',
    ]);

    // A page moved to an excluded space leaves the source, and its comments are no longer read.
    const moved = seed.pageIds[3]!;
    seed.state.contents.get(moved)!.spaceId = seed.state.spaces[1]!.id;
    seed.state.edit(moved, { body: simpleBody('Moved', 2) });
    seed.state.comment(moved, 'footer', commentBodyOf('After the move'));
    const after = await readAll(
      t,
      { clock, checkpoint: inc.last, state: inc.ctx.state },
      { ...config, spaces: { include: [], exclude: ['OPS'] } },
    );
    expect(after.pages.flatMap((p) => p.deletes ?? [])).toEqual([`page:${moved}`]);
    expect(itemsOf(after.pages).map((i) => i.content)).not.toContain('After the move');
    expect(await after.ctx.state.get(`c:${moved}`)).toBeUndefined();
  });

  it('restarts a stream from its first page when Confluence refuses a stored cursor', async () => {
    const seed = seedConfluenceSite({
      spaces: 1,
      pagesPerSpace: 20,
      versionsPerPage: 1,
      blogPostsPerSpace: 0,
      commentsPerPage: 0,
    });
    const t = await start(seed);
    const full = await readAll(t, {}, { pageSize: 5, comments: false, blogPosts: false });
    const mid = full.pages.findIndex((p) => p.checkpoint.next);
    const committed = full.pages.slice(0, mid + 1);
    const state = createMemoryState();
    for (const p of committed) state.apply(p.state);
    const cp = committed.at(-1)!.checkpoint;
    const resumed = await readAll(
      t,
      { checkpoint: { ...cp, next: String(cp.next).replace(/cursor=[^&]+/, 'cursor=expired') }, state },
      { pageSize: 5, comments: false, blogPosts: false },
    );
    expect(itemsOf(resumed.pages).length).toBe(20 - itemsOf(committed).length);
    expect(new Set([...applyPages(new Map(), [...committed, ...resumed.pages]).keys()])).toEqual(
      new Set(full.state.keys()),
    );
  });

  it('deletes trashed and purged content with its comments on reconciliation, not before it is due', async () => {
    const seed = seedConfluenceSite({
      spaces: 1,
      pagesPerSpace: 10,
      versionsPerPage: 1,
      blogPostsPerSpace: 2,
      commentsPerPage: 1,
    });
    const t = await start(seed);
    const clock = instantClock();
    const config = { reconcileHours: 24 };
    const full = await readAll(t, { clock }, config);
    const s = seed.state;
    const trashed = seed.pageIds[3]!;
    const commentsOn = (pid: string) =>
      [...s.comments.values()].filter((c) => c.containerId === pid).map((c) => `comment:${c.id}`);
    const expected = [`page:${trashed}`, ...commentsOn(trashed), `blogpost:${seed.blogPostIds[0]}`];
    s.trash(trashed);
    s.purge(seed.blogPostIds[0]!);
    const early = await readAll(t, { clock, checkpoint: full.last, state: full.ctx.state }, config);
    expect(early.pages.flatMap((p) => p.deletes ?? [])).toEqual([]);
    clock.advance(25 * 3_600_000);
    const due = await readAll(t, { clock, checkpoint: early.last, state: early.ctx.state }, config);
    expect(due.pages.flatMap((p) => p.deletes ?? []).sort()).toEqual(expected.sort());
    expect(itemsOf(due.pages)).toEqual([]);
  });

  it('uses OAuth through accessible-resources (an expired token refreshed once); maps bad credentials; completes a 429 storm', async () => {
    const seed = seedConfluenceSite({
      spaces: 1,
      pagesPerSpace: 20,
      versionsPerPage: 2,
      blogPostsPerSpace: 1,
      commentsPerPage: 1,
    });
    seed.state.oauthTokens.set('wiki-oauth', 'valid');
    seed.state.oauthTokens.set('wiki-expired', 'expired');
    const t = await start(seed);
    const oauth = createTestContext(confluenceConnector, {
      config: { apiUrl: t.apiUrl },
      credentials: { kind: 'oauth2', accessToken: 'wiki-expired' },
    });
    let refreshes = 0;
    oauth.credentials = {
      get: async () => ({ kind: 'oauth2', accessToken: 'wiki-expired' }),
      refresh: async () => {
        refreshes++;
        return { kind: 'oauth2', accessToken: 'wiki-oauth' };
      },
    };
    const viaOauth = applyPages(new Map(), await collectPages(confluenceConnector, oauth));
    expect(refreshes).toBe(1);
    expect(
      t.exchanges
        .filter((x) => x.route === 'pages')
        .every((x) => x.path.startsWith(`/ex/confluence/${seed.state.cloudId}/`)),
    ).toBe(true);
    expect(viaOauth.get(`page:${seed.pageIds[1]}`)!.item.url).toBe(
      `https://twin.atlassian.net/wiki/spaces/ENG/pages/${seed.pageIds[1]}`,
    );

    const bad = await confluenceConnector.check(
      createConnectorContext(confluenceConnector, {
        config: { siteUrl: t.siteUrl },
        credentials: { kind: 'password', username: 'ada@example.com', password: 'leaked-wiki-secret' },
      }),
    );
    expect(bad.message).toMatch(/^auth_invalid: /);
    expect(bad.message).not.toContain('leaked-wiki-secret');

    const calm = await readAll(t);
    const storm = t.faults.inject({ status: 429, headers: { 'retry-after': '2' }, body: { errors: [] }, every: 3 });
    const clock = instantClock();
    const stormy = await readAll(t, { clock });
    expect(storm.fired).toBeGreaterThan(5);
    expect([...stormy.state.entries()].map(([k, v]) => [k, v.hash])).toEqual(
      [...calm.state.entries()].map(([k, v]) => [k, v.hash]),
    );
    expect(clock.slept).toEqual(Array(storm.fired).fill(2000));
  });
});
