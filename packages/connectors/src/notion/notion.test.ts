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
  seedNotionWorkspace,
  startNotionTwin,
  type NotionSeed,
  type NotionTwin,
} from '../../../../test/twins/notion/index.js';
import { notionConnector } from './index.js';

const credentials = { kind: 'token' as const, token: 'secret_twin' };
let twin: NotionTwin | undefined;
afterEach(async () => {
  await twin?.close();
  twin = undefined;
});

async function start(seed: NotionSeed): Promise<NotionTwin> {
  twin = await startNotionTwin(seed.state);
  return twin;
}

const instantClock = () => createInstantClock(Date.UTC(2026, 0, 2));

const readAll = (t: NotionTwin, extra: TestReadContextOptions = {}, config = {}) =>
  readToEnd(notionConnector, { config: { baseUrl: t.url, ...config }, credentials, ...extra });

const itemsOf = (pages: Awaited<ReturnType<typeof readAll>>['pages']) => pages.flatMap((p) => p.items ?? []);

describe('notion connector against the twin', () => {
  it('reads 300 pages × 100 blocks and 3 data sources × 100 rows exactly, as Markdown', async () => {
    const seed = seedNotionWorkspace({ pages: 300, blocksPerPage: 100, dataSources: 3, rowsPerSource: 100 });
    const t = await start(seed);
    const full = await readAll(t);
    const items = [...full.state.values()].map((v) => v.item);
    const count = (stream: string) => items.filter((i) => i.stream === stream).length;
    expect([count('pages'), count('rows'), count('data-sources')]).toEqual([300, 300, 3]);
    expect(full.state.size).toBe(603);
    // Calls: search pages, and per page one children call per 100 blocks plus one per block with children (a list
    // item, a toggle, a table); the 30 root pages hold 109 blocks (their children's links), rows one call each.
    const c = t.counts();
    expect(c.search).toBe(Math.ceil(603 / 100));
    expect(c['blocks.children.list']).toBe(300 * 4 + 30 + 300);
    console.log(`notion full read: ${t.total()} calls for 603 items (${JSON.stringify(c)})`);

    const page = full.state.get(seed.pageIds[11]!)!.item;
    expect(page).toMatchObject({
      stream: 'pages',
      title: 'Page 11: the roadmap',
      contentType: 'markdown',
      container: 'Page 10: onboarding',
      url: `https://www.notion.so/${seed.pageIds[11]!.replace(/-/g, '')}`,
    });
    const md = page.content;
    expect(
      md.startsWith('# Overview of Page 11: the roadmap\n\nSee [Page 10: onboarding](https://www.notion.so/'),
    ).toBe(true);
    expect(md).toContain(
      ' and ask @Alan Turing by 2026-02-01; read [the spec](https://example.com/spec) — it is **important** to run `npm test`.',
    );
    expect(md).toContain(
      '- [x] Ship the importer\n- [ ] Write the docs\n- First point\n  - Nested point\n1. Step one\n2. Step two',
    );
    expect(md).toContain('▸ Details\n  Hidden detail inside the toggle');
    expect(md).toContain('> 💡 Heads up: the budget is tight');
    expect(md).toContain('```typescript\nconst total = items.reduce((a, b) => a + b, 0);\n```');
    expect(md).toContain('$$\nE = mc^2\n$$');
    expect(md).toContain('| Item | Cost |\n| --- | --- |\n| Servers | 1200 |');
    expect(md).toContain(`[Page 10: onboarding](https://www.notion.so/${seed.pageIds[10]!.replace(/-/g, '')})`);
    expect(md).toContain('Paragraph 99 of Page 11: the roadmap: notes about the data migration.');
    expect(md).not.toMatch(/[{}"]\w+"?:/);
    // A root page links its children.
    expect(full.state.get(seed.pageIds[10]!)!.item.content).toContain('[Page 19: hiring](https://www.notion.so/');

    const row = full.state.get(seed.rowIds[0]!)!.item;
    expect(row).toMatchObject({ stream: 'rows', title: 'Task 0.0', container: 'Tracker 0' });
    expect(row.content).toBe(
      [
        '| Property | Value |',
        '| --- | --- |',
        '| Name | Task 0.0 |',
        '| Status | Todo |',
        '| Tags | frontend |',
        '| Points | 1 |',
        '| Done | No |',
        '| Due |  |',
        '| Owner | Ada Lovelace |',
        '| Link | https://example.com/task/0 |',
        '| Notes | Notes on the launch plan |',
        '',
        'Context for task 0.0: hiring.',
      ].join('\n'),
    );
    const ds = full.state.get(seed.dataSourceIds[1]!)!.item;
    expect(ds.content).toContain('# Tracker 1\n\nWork items of team 1\n\n| Column | Type |');
  });

  it('after 100 edits reads only those pages; calls per changed page are reported', async () => {
    const seed = seedNotionWorkspace({ pages: 300, blocksPerPage: 100 });
    const t = await start(seed);
    const clock = instantClock();
    const full = await readAll(t, { clock });
    const s = seed.state;
    const changed = seed.pageIds.filter((_, i) => i % 3 === 0).slice(0, 100);
    for (const id of changed)
      s.editPage(id, (p) => {
        p.blocks[1]!.rich = [{ kind: 'text', text: 'Rewritten introduction' }];
      });
    t.resetCounts();
    clock.advance(3_600_000);
    const inc = await readAll(t, { clock, checkpoint: full.last, state: full.ctx.state });
    const ids = itemsOf(inc.pages).map((i) => i.externalId);
    expect(ids.sort()).toEqual([...changed].sort());
    // One version per edit: the new Markdown carries the edit.
    expect(inc.state.get(changed[0]!)!.item.content).toContain('\n\nRewritten introduction\n\n');
    const c = t.counts();
    // The listing stops at the overlap window: two search pages for 100 changed pages (+ those in the window).
    expect(c.search).toBe(2);
    const perItem = t.total() / changed.length;
    console.log(
      `notion incremental: ${t.total()} calls for ${changed.length} changed pages (${perItem.toFixed(2)} per page: search ${(c.search! / 100).toFixed(2)}, blocks ${(c['blocks.children.list']! / 100).toFixed(2)} = 1 per 100 blocks + 3 nested blocks)`,
    );
    // 10 of the changed pages are roots with 109 blocks: a second children call each.
    expect(c['blocks.children.list']).toBe(100 * 4 + 10);
    expect(c['pages.retrieve'] ?? 0).toBe(0);
  });

  it('deletes trashed and un-shared pages on reconciliation, not before it is due', async () => {
    const seed = seedNotionWorkspace({ pages: 30, blocksPerPage: 10, dataSources: 1, rowsPerSource: 10 });
    const t = await start(seed);
    const clock = instantClock();
    const config = { reconcileHours: 6 };
    const full = await readAll(t, { clock }, config);
    expect(full.state.size).toBe(41);
    const s = seed.state;
    s.trash(seed.pageIds[4]!);
    s.unshare(seed.pageIds[7]!);
    s.unshare(seed.rowIds[3]!);
    const edited = seed.pageIds[20]!;
    s.editPage(edited, (p) => p.blocks.pop());
    clock.advance(3_600_000);
    const early = await readAll(t, { clock, checkpoint: full.last, state: full.ctx.state }, config);
    expect(early.pages.flatMap((p) => p.deletes ?? [])).toEqual([]);
    expect(itemsOf(early.pages).map((i) => i.externalId)).toEqual([edited]);

    clock.advance(6 * 3_600_000);
    t.resetCounts();
    const due = await readAll(t, { clock, checkpoint: early.last, state: early.ctx.state }, config);
    const deleted = due.pages.flatMap((p) => p.deletes ?? []);
    expect(deleted.sort()).toEqual([seed.pageIds[4]!, seed.pageIds[7]!, seed.rowIds[3]!].sort());
    expect(itemsOf(due.pages)).toEqual([]);
    // Each candidate is checked once before it is deleted (a page is tried first, then a data source).
    expect(t.counts()['pages.retrieve']).toBe(3);
    expect(t.counts().search).toBe(1);
    expect(await due.ctx.state.get(`p:${seed.pageIds[4]!}`)).toBeUndefined();
    expect(due.last).toMatchObject({ epoch: 2, phase: 'idle' });

    // A page shared again comes back on the next reconciliation even though its edit time is old.
    s.page(seed.pageIds[7]!).shared = true;
    const again = await readAll(
      t,
      { clock, checkpoint: due.last, state: due.ctx.state },
      { ...config, reconcileHours: 0 },
    );
    expect(itemsOf(again.pages).map((i) => i.externalId)).toEqual([seed.pageIds[7]!]);
  });

  it('restarts the listing from the top when Notion refuses a stored search cursor', async () => {
    const seed = seedNotionWorkspace({ pages: 30, blocksPerPage: 5 });
    const t = await start(seed);
    const full = await readAll(t, {}, { pageSize: 10 });
    const mid = full.pages.findIndex((p) => p.checkpoint.phase === 'listing' && p.checkpoint.cursor);
    expect(mid).toBeGreaterThanOrEqual(0);
    const committed = full.pages.slice(0, mid + 1);
    const state = createMemoryState();
    for (const p of committed) state.apply(p.state);
    const resumed = await readAll(
      t,
      { checkpoint: { ...committed.at(-1)!.checkpoint, cursor: 'expired-cursor' }, state },
      { pageSize: 10 },
    );
    expect(new Set([...applyPages(new Map(), [...committed, ...resumed.pages]).keys()])).toEqual(
      new Set(full.state.keys()),
    );
    // Pages read before the refusal are not read again: only the ones after the old cursor are yielded.
    expect(itemsOf(resumed.pages).length).toBe(30 - itemsOf(committed).length);
  });

  it('completes a 429 storm (every third call) with the same result, waiting Retry-After', async () => {
    const seed = seedNotionWorkspace({ pages: 40, blocksPerPage: 20, dataSources: 1, rowsPerSource: 20 });
    const t = await start(seed);
    const calm = await readAll(t);
    const storm = t.faults.inject({
      status: 429,
      headers: { 'retry-after': '2' },
      body: { object: 'error', status: 429, code: 'rate_limited', message: 'You have been rate limited.' },
      every: 3,
    });
    const clock = instantClock();
    const stormy = await readAll(t, { clock });
    expect(storm.fired).toBeGreaterThan(20);
    expect([...stormy.state.entries()].map(([k, v]) => [k, v.hash])).toEqual(
      [...calm.state.entries()].map(([k, v]) => [k, v.hash]),
    );
    expect(clock.slept).toEqual(Array(storm.fired).fill(2000));
    expect(stormy.ctx.stats.rateLimitWaitMs).toBe(storm.fired * 2000);
  });

  it('refreshes an expired OAuth token once, and maps a revoked token to auth_invalid', async () => {
    const seed = seedNotionWorkspace({ pages: 3, blocksPerPage: 3 });
    seed.state.tokens.set('oauth-old', 'expired');
    seed.state.tokens.set('oauth-new', 'valid');
    const t = await start(seed);
    const old: Credential = { kind: 'oauth2', accessToken: 'oauth-old' };
    const ctx = createTestContext(notionConnector, { config: { baseUrl: t.url }, credentials: old });
    let refreshes = 0;
    ctx.credentials = {
      get: async () => old,
      refresh: async () => {
        refreshes++;
        return { kind: 'oauth2', accessToken: 'oauth-new' };
      },
    };
    const pages = await collectPages(notionConnector, ctx);
    expect(applyPages(new Map(), pages).size).toBe(3);
    expect(refreshes).toBe(1);

    seed.state.tokens.set('secret_gone', 'revoked');
    const check = await notionConnector.check(
      createConnectorContext(notionConnector, {
        config: { baseUrl: t.url },
        credentials: { kind: 'token', token: 'secret_gone' },
      }),
    );
    expect(check.ok).toBe(false);
    expect(check.message).toMatch(/^auth_invalid: .*unauthorized.*store a new integration secret/);
    expect(check.message).not.toContain('secret_gone');
    const bad = createTestContext(notionConnector, {
      config: { baseUrl: t.url },
      credentials: { kind: 'token', token: 'secret_gone' },
    });
    await expect(collectPages(notionConnector, bad)).rejects.toMatchObject({ code: 'auth_invalid' });
  });

  it('reads a page of 250 blocks in three children calls, and sends Notion-Version 2025-09-03', async () => {
    const seed = seedNotionWorkspace({ pages: 1, blocksPerPage: 250 });
    const t = await start(seed);
    const full = await readAll(t);
    expect(full.state.get(seed.pageIds[0]!)!.item.content).toContain('Paragraph 249 of Page 0');
    expect(t.counts()['blocks.children.list']).toBe(3 + 3);
    const ok = await notionConnector.check(
      createConnectorContext(notionConnector, { config: { baseUrl: t.url }, credentials }),
    );
    expect(ok).toMatchObject({ ok: true });
    expect(ok.message).toContain('Tributary twin');
  });
});
