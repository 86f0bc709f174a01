import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { Item, Page } from '@tributary/sdk';
import { applyPages, collectPages, createConnectorContext, createTestContext } from '@tributary/sdk/testing';
import { gitConnector } from './index.js';
import { generateBenchRepo } from './bench-repo.js';
import { TestRepo } from './test-support/repo.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const repos: TestRepo[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) r.remove();
});

function newRepo(): TestRepo {
  const r = new TestRepo();
  repos.push(r);
  return r;
}

async function read(
  config: Record<string, unknown>,
  checkpoint?: unknown,
  extra: { features?: Record<string, boolean>; since?: Date } = {},
): Promise<Page[]> {
  return collectPages(
    gitConnector,
    createTestContext(gitConnector, { config, ...(checkpoint ? { checkpoint } : {}), ...extra }),
  );
}
const itemsOf = (pages: Page[]): Item[] => pages.flatMap((p) => p.items ?? []);
const deletesOf = (pages: Page[]): string[] => pages.flatMap((p) => p.deletes ?? []);
const last = (pages: Page[]): Record<string, unknown> => pages[pages.length - 1]!.checkpoint;

describe('git connector: reads', () => {
  it('yields one item per commit of the current branch, with the commit details', async () => {
    const r = newRepo();
    r.commit('First commit\n\nWith a body line.', 'a.txt', 'one\ntwo\n');
    const second = r.commit('Second: touch two files', 'b/c.ts', 'x\n');
    const pages = await read({ rootDir: r.dir });
    const items = itemsOf(pages);
    expect(items).toHaveLength(Number(r.git('rev-list', '--count', 'main')));
    const item = items.find((i) => i.externalId === second)!;
    expect(item.title).toBe('Second: touch two files');
    expect(item.author).toBe('Ada Lovelace <ada@example.com>');
    expect(Date.parse(item.occurredAt!)).toBe(Number(r.git('log', '-1', '--format=%at', second)) * 1000);
    expect(item.metadata!.committedAt).toBe(r.git('log', '-1', '--format=%cI', second));
    expect(item.container).toBe('repo');
    expect(item.content).toContain('b/c.ts (+1 -0)');
    expect(item.metadata).toMatchObject({
      parents: [r.git('rev-parse', `${second}^`)],
      branches: ['main'],
      files: [{ path: 'b/c.ts', insertions: 1, deletions: 0 }],
    });
    const first = items.find((i) => i.title === 'First commit')!;
    expect(first.content).toContain('With a body line.');
    expect(first.content).toContain('a.txt (+2 -0)');
    expect(first.url).toBeUndefined();
  });

  it('reads several branches as a union, one item per commit, branches in metadata', async () => {
    const r = newRepo();
    for (let i = 0; i < 4; i++) r.commit(`base ${i}`);
    const shared = r.git('rev-parse', 'HEAD~1');
    r.git('checkout', '-q', '-b', 'feature', 'HEAD~1');
    r.commit('feature only', 'feat.txt');
    r.git('checkout', '-q', 'main');
    const items = itemsOf(await read({ rootDir: r.dir, branches: ['main', 'feature'], pageSize: 2 }));
    expect(items).toHaveLength(Number(r.git('rev-list', '--count', 'main', 'feature')));
    expect(new Set(items.map((i) => i.externalId)).size).toBe(items.length);
    expect(items.find((i) => i.externalId === shared)!.metadata!.branches).toEqual(['main', 'feature']);
    expect(items.find((i) => i.title === 'feature only')!.metadata!.branches).toEqual(['feature']);
    expect(items.find((i) => i.title === 'base 3')!.metadata!.branches).toEqual(['main']);
  });

  it('reads only new commits incrementally: nothing when unchanged, one after one commit', async () => {
    const r = newRepo();
    r.commit('one');
    r.commit('two');
    const first = await read({ rootDir: r.dir });
    const second = await read({ rootDir: r.dir }, last(first));
    expect(itemsOf(second)).toHaveLength(0);
    const sha = r.commit('three');
    const third = await read({ rootDir: r.dir }, last(second));
    expect(itemsOf(third).map((i) => i.externalId)).toEqual([sha]);
    expect(deletesOf(third)).toEqual([]);
  });

  it('handles a force push: dropped commits become deletes, the end state equals the new history', async () => {
    const r = newRepo();
    for (let i = 0; i < 6; i++) r.commit(`old ${i}`);
    const pages = await read({ rootDir: r.dir, pageSize: 2 });
    const dropped = r.shas('HEAD~3..HEAD');
    r.git('reset', '-q', '--hard', 'HEAD~3');
    const added = [r.commit('new a'), r.commit('new b')];
    const inc = await read({ rootDir: r.dir, pageSize: 2 }, last(pages));
    expect(new Set(deletesOf(inc))).toEqual(new Set(dropped));
    expect(itemsOf(inc).map((i) => i.externalId)).toEqual(added);
    const state = applyPages(applyPages(new Map(), pages), inc);
    expect(new Set(state.keys())).toEqual(new Set(r.shas('main')));
  });

  it('reports commits of a branch dropped from the config as deletes, keeping shared history', async () => {
    const r = newRepo();
    r.commit('base');
    r.git('checkout', '-q', '-b', 'topic');
    const topicOnly = r.commit('topic work');
    r.git('checkout', '-q', 'main');
    const pages = await read({ rootDir: r.dir, branches: ['main', 'topic'] });
    const inc = await read({ rootDir: r.dir, branches: ['main'] }, last(pages));
    expect(deletesOf(inc)).toEqual([topicOnly]);
    expect(itemsOf(inc)).toEqual([]);
  });

  it('filters by patterns, maxCommits and backfill', async () => {
    const r = newRepo();
    r.commit('code 1', 'src/a.ts');
    const doc1 = r.commit('doc 1', 'docs/a.md');
    r.commit('code 2', 'src/b.ts');
    const doc2 = r.commit('doc 2', 'docs/b.md');
    expect(itemsOf(await read({ rootDir: r.dir, patterns: ['docs/'] })).map((i) => i.externalId)).toEqual([doc1, doc2]);
    expect(itemsOf(await read({ rootDir: r.dir, maxCommits: 2 })).map((i) => i.title)).toEqual(['code 2', 'doc 2']);
    const since = new Date((Number(r.git('log', '-1', '--format=%ct', doc2)) - 1) * 1000);
    expect(itemsOf(await read({ rootDir: r.dir }, undefined, { since })).map((i) => i.externalId)).toEqual([doc2]);
  });

  it('adds a size-capped patch excerpt only when the diffs feature is on', async () => {
    const r = newRepo();
    r.commit('small change', 'a.txt', 'hello patch line\n');
    r.commit('huge change', 'big.txt', 'y'.repeat(100) + '\n'.repeat(1) + 'z\n'.repeat(20_000));
    expect(itemsOf(await read({ rootDir: r.dir }))[0]!.content).not.toContain('+hello patch line');
    const items = itemsOf(await read({ rootDir: r.dir }, undefined, { features: { diffs: true } }));
    expect(items[0]!.content).toContain('+hello patch line');
    expect(items[1]!.content).toContain('Patch (excerpt):');
    expect(items[1]!.content.length).toBeLessThan(20_000);
  });

  it('lists a merge commit once, with the files it brought in against its first parent', async () => {
    const r = newRepo();
    r.commit('base', 'a.txt');
    r.git('checkout', '-q', '-b', 'topic');
    r.commit('topic change', 'topic.txt', 'one\ntwo\n');
    r.git('checkout', '-q', 'main');
    r.commit('main change', 'main.txt');
    r.git('merge', '-q', '--no-ff', '-m', 'Merge topic', 'topic');
    const items = itemsOf(await read({ rootDir: r.dir }));
    expect(items).toHaveLength(Number(r.git('rev-list', '--count', 'main')));
    const merge = items.find((i) => i.title === 'Merge topic')!;
    expect(merge.metadata).toMatchObject({ merge: true, files: [{ path: 'topic.txt', insertions: 2, deletions: 0 }] });
    expect((merge.metadata!.parents as string[]).length).toBe(2);
  });

  it('derives a web URL from a GitHub remote', async () => {
    const r = newRepo();
    const sha = r.commit('one');
    r.git('remote', 'add', 'origin', 'git@github.com:acme/widgets.git');
    expect(itemsOf(await read({ rootDir: r.dir }))[0]!.url).toBe(`https://github.com/acme/widgets/commit/${sha}`);
  });
});

describe('git connector: large and real repositories', () => {
  it('reads 5,000 commits in bounded pages and resumes mid-branch from any page checkpoint', async () => {
    const r = newRepo();
    r.fastImport(5000);
    const pages = await read({ rootDir: r.dir });
    expect(pages.length).toBeGreaterThanOrEqual(10);
    for (const p of pages) expect((p.items ?? []).length).toBeLessThanOrEqual(500);
    const items = itemsOf(pages);
    expect(items).toHaveLength(Number(r.git('rev-list', '--count', 'main')));
    expect(new Set(items.map((i) => i.externalId)).size).toBe(5000);
    expect(items[0]!.title).toBe('Generated commit 1'); // oldest first
    // Crash after page 3: the resume yields exactly the rest.
    const rest = itemsOf(await read({ rootDir: r.dir }, pages[3]!.checkpoint));
    expect(rest.map((i) => i.externalId)).toEqual(items.slice(4 * 500).map((i) => i.externalId));
  });

  it('streams a history with merges in one pass, and resumes exactly after a stop in the middle of it', async () => {
    const r = newRepo();
    await generateBenchRepo(r.dir, 600); // merges of topic branches every ~40 commits
    const order = r.git('rev-list', '--topo-order', '--reverse', 'main').split('\n');
    const config = { rootDir: r.dir, pageSize: 50 };
    // The consumer stops after 3 pages, mid-pass (as a crash or a pause would): git is stopped with it.
    const firstPages: Page[] = [];
    for await (const page of gitConnector.read(createTestContext(gitConnector, { config }))) {
      firstPages.push(page as Page);
      if (firstPages.length === 3) break;
    }
    const head = itemsOf(firstPages).map((i) => i.externalId);
    expect(head).toEqual(order.slice(0, 150));
    expect(last(firstPages)).toMatchObject({ lastSha: order[149] });
    const rest = await read(config, last(firstPages));
    expect(itemsOf(rest).map((i) => i.externalId)).toEqual(order.slice(150));
    expect(last(rest)).toEqual({ tips: { main: order[order.length - 1] } });
    const merge = itemsOf(rest).find((i) => (i.metadata!.parents as string[]).length === 2)!;
    expect(merge.metadata!.files).not.toEqual([]); // the merge lists what it brought in against its first parent
  });

  it("reads this project's own repository", async () => {
    const items = itemsOf(await read({ rootDir: repoRoot }));
    const count = Number(
      execFileSync('git', ['rev-list', '--count', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim(),
    );
    expect(items).toHaveLength(count);
    expect(items.every((i) => i.container === path.basename(repoRoot))).toBe(true);
  });
});

describe('git connector: check and discover', () => {
  type Ctx = Parameters<typeof gitConnector.check>[0];
  const ctxOf = (config: Record<string, unknown>): Ctx => createConnectorContext(gitConnector, { config }) as Ctx;
  const check = (config: Record<string, unknown>) => gitConnector.check(ctxOf(config));

  it('accepts a good repository and lists its branches', async () => {
    const r = newRepo();
    r.commit('one');
    r.git('branch', 'topic');
    await expect(check({ rootDir: r.dir, branches: ['main', 'topic'] })).resolves.toMatchObject({ ok: true });
    const found = await gitConnector.discover!(ctxOf({ rootDir: r.dir }));
    expect(found.map((b) => b.name).sort()).toEqual(['main', 'topic']);
    expect(found.find((b) => b.name === 'main')!.metadata).toMatchObject({ current: true });
  });

  it('refuses a missing root, a non-repository, a sub-folder, unknown branches and escaping patterns', async () => {
    const r = newRepo();
    r.commit('one', 'sub/x.txt');
    await expect(check({ rootDir: path.join(r.dir, 'missing') })).rejects.toMatchObject({
      code: 'invalid_config',
      message: expect.stringContaining('does not exist'),
    });
    const plain = path.join(path.dirname(r.dir), 'plain');
    mkdirSync(plain);
    await expect(check({ rootDir: plain })).rejects.toMatchObject({
      code: 'invalid_config',
      message: expect.stringContaining('not a git repository'),
    });
    await expect(check({ rootDir: path.join(r.dir, 'sub') })).rejects.toMatchObject({
      code: 'invalid_config',
      message: expect.stringContaining('top-level'),
    });
    await expect(check({ rootDir: r.dir, branches: ['nope'] })).rejects.toMatchObject({
      code: 'invalid_config',
      message: expect.stringContaining('nope'),
    });
    await expect(check({ rootDir: r.dir, patterns: ['../../etc'] })).rejects.toMatchObject({
      code: 'path_outside_root',
    });
    await expect(read({ rootDir: r.dir, patterns: ['/etc'] })).rejects.toMatchObject({ code: 'path_outside_root' });
    await expect(read({ rootDir: path.join(r.dir, 'missing') })).rejects.toMatchObject({ code: 'invalid_config' });
  });

  it('reads a bare clone, and refuses the .git folder of a work tree', async () => {
    const r = newRepo();
    r.commit('one');
    r.commit('two');
    const bare = path.join(path.dirname(r.dir), 'bare.git');
    r.git('clone', '-q', '--bare', r.dir, bare);
    const items = itemsOf(await read({ rootDir: bare }));
    expect(items.map((i) => i.externalId)).toEqual(r.shas('--reverse', 'main'));
    expect(items[0]!.container).toBe('bare');
    await expect(check({ rootDir: path.join(r.dir, '.git') })).rejects.toMatchObject({ code: 'invalid_config' });
  });

  it('follows a rootDir symlink to the repository it names, but not into a sub-folder of another repository', async () => {
    const r = newRepo();
    r.commit('one', 'sub/x.txt');
    const link = path.join(path.dirname(r.dir), 'link');
    symlinkSync(r.dir, link);
    expect(itemsOf(await read({ rootDir: link }))).toHaveLength(1);
    const subLink = path.join(path.dirname(r.dir), 'sublink');
    symlinkSync(path.join(r.dir, 'sub'), subLink);
    await expect(check({ rootDir: subLink })).rejects.toMatchObject({ code: 'invalid_config' });
  });

  it('treats a checkpoint whose commit was garbage-collected as invalid', async () => {
    const r = newRepo();
    r.commit('one');
    r.commit('two');
    const pages = await read({ rootDir: r.dir });
    r.git('reset', '-q', '--hard', 'HEAD~1');
    r.git('reflog', 'expire', '--expire=now', '--all');
    r.git('gc', '-q', '--prune=now');
    await expect(read({ rootDir: r.dir }, last(pages))).rejects.toMatchObject({ code: 'cursor_invalid' });
  });
});
