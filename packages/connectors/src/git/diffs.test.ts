import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Item, Page } from '@tributary/sdk';
import { collectPages, createTestContext } from '@tributary/sdk/testing';
import { gitConnector } from './index.js';
import { generateBenchRepo } from './bench-repo.js';
import { logCommits, openRepo } from './client.js';
import { MAX_PATCH_CHARS } from './config.js';
import type { RawCommit } from './map.js';
import { TestRepo } from './test-support/repo.js';

const cleanup: Array<() => void> = [];
afterEach(() => {
  for (const f of cleanup.splice(0)) f();
});

function newRepo(): TestRepo {
  const r = new TestRepo();
  cleanup.push(() => r.remove());
  return r;
}

const itemsOf = (pages: Page[]): Item[] => pages.flatMap((p) => p.items ?? []);

async function readDiffs(config: Record<string, unknown>, checkpoint?: unknown): Promise<Page[]> {
  const ctx = createTestContext(gitConnector, {
    config,
    features: { diffs: true },
    ...(checkpoint ? { checkpoint } : {}),
  });
  return collectPages(gitConnector, ctx);
}

/** What `git show` prints as the patch of one commit: the reference the one-pass patches must equal. */
function showPatch(r: TestRepo, sha: string): string {
  return r.git('show', '--format=', '--patch', '--diff-merges=first-parent', '--no-renames', sha);
}

async function logWithPatches(r: TestRepo): Promise<RawCommit[]> {
  const repo = await openRepo(r.dir);
  const range = { include: [r.git('rev-parse', 'main')], exclude: [], patterns: [], reverse: true };
  const out: RawCommit[] = [];
  for await (const c of logCommits(repo, { range }, undefined, { patches: true })) out.push(c);
  return out;
}

/**
 * A `git` on PATH that logs its sub-command before running the real git: counts the processes one sync starts.
 * Worker threads copy process.env when they start, so the read's worker sees this PATH too.
 */
function countGitCalls(): () => string[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'tributary-git-shim-'));
  const log = path.join(dir, 'calls.log');
  const real = process.env.PATH ?? '';
  const realGit = real
    .split(':')
    .map((d) => path.join(d, 'git'))
    .find((p) => existsSync(p))!;
  const script = `#!/bin/sh
for a in "$@"; do case "$a" in -c) skip=1;; *) if [ -n "$skip" ]; then skip=; else echo "$a" >> "${log}"; break; fi;; esac; done
exec "${realGit}" "$@"
`;
  writeFileSync(path.join(dir, 'git'), script);
  chmodSync(path.join(dir, 'git'), 0o755);
  writeFileSync(log, '');
  process.env.PATH = `${dir}:${real}`;
  cleanup.push(() => {
    process.env.PATH = real;
    rmSync(dir, { recursive: true, force: true });
  });
  return () => readFileSync(log, 'utf8').split('\n').filter(Boolean);
}

describe('git connector: diffs in the same one-pass git log', () => {
  it('gives each commit exactly the patch `git show` prints, merges against their first parent', async () => {
    const r = newRepo();
    r.commit('base', 'a.txt', 'one\ntwo\nthree\n');
    r.git('checkout', '-q', '-b', 'topic');
    r.commit('topic change', 'topic.txt', 'alpha\nbeta\n');
    r.git('checkout', '-q', 'main');
    r.commit('main change', 'a.txt', 'one\n2\nthree\n');
    r.git('merge', '-q', '--no-ff', '-m', 'Merge topic', 'topic');
    // Separators inside a message and inside a patch must not split or shift the record.
    r.commit('odd \x1f message \x1e with separators\n\ndiff --git a/quoted b/quoted', 'odd.txt', 'x\x1fy\n\x1ez\n');
    r.write('bin.dat', Buffer.from([0, 1, 2, 0, 255]).toString('latin1'));
    r.git('rm', '-q', 'topic.txt');
    r.git('add', '-A');
    r.git('commit', '-q', '-m', 'binary added, file removed');
    r.git('commit', '-q', '--allow-empty', '-m', 'empty commit');

    const commits = await logWithPatches(r);
    expect(commits.map((c) => c.sha)).toEqual(r.shas('--topo-order', '--reverse', 'main'));
    for (const c of commits) {
      expect(c.patch, c.message).toEqual({
        patch: showPatch(r, c.sha) + (showPatch(r, c.sha) ? '\n' : ''),
        truncated: false,
      });
    }
    const odd = commits.find((c) => c.message.startsWith('odd'))!;
    expect(odd.message).toBe('odd \x1f message \x1e with separators\n\ndiff --git a/quoted b/quoted');
    expect(odd.files).toEqual([{ path: 'odd.txt', insertions: 2, deletions: 0 }]);
    expect(odd.patch!.patch).toContain('+x\x1fy');
    const merge = commits.find((c) => c.parents.length === 2)!;
    expect(merge.patch!.patch).toContain('+++ b/topic.txt');
    expect(merge.patch!.patch).not.toContain('a.txt'); // first parent already had main's change
    expect(commits.find((c) => c.message === 'empty commit')!.patch).toEqual({ patch: '', truncated: false });
  });

  it('cuts a huge patch at MAX_PATCH_CHARS and keeps the numstat and the next commits intact', async () => {
    const r = newRepo();
    r.commit('huge change', 'big.txt', 'z\n'.repeat(200_000));
    const after = r.commit('small after', 'a.txt', 'hello patch line\n');
    const commits = await logWithPatches(r);
    const huge = commits[0]!;
    expect(huge.files).toEqual([{ path: 'big.txt', insertions: 200_000, deletions: 0 }]);
    expect(huge.patch!.truncated).toBe(true);
    expect(huge.patch!.patch).toBe(showPatch(r, huge.sha).slice(0, MAX_PATCH_CHARS));
    expect(commits[1]).toMatchObject({ sha: after, patch: { truncated: false } });
    expect(commits[1]!.patch!.patch).toContain('+hello patch line');
  });

  it('runs one git log for the whole pass (no process per commit), and keeps patches across a resume', async () => {
    const r = newRepo();
    await generateBenchRepo(r.dir, 300);
    const calls = countGitCalls();
    const config = { rootDir: r.dir, pageSize: 40 };
    const pages = await readDiffs(config);
    const items = itemsOf(pages);
    expect(items).toHaveLength(300);
    // (The generator makes a few commits whose edit left the file as it was: no files, no patch.)
    const changed = items.filter((i) => (i.metadata!.files as unknown[]).length > 0);
    expect(changed.length).toBeGreaterThan(290);
    expect(changed.filter((i) => !i.content.includes('\n\nPatch:\ndiff --git a/'))).toEqual([]);
    const log = calls();
    expect(log.filter((c) => c === 'log')).toHaveLength(1);
    expect(log).not.toContain('show');
    expect(log.length).toBeLessThan(15); // repository checks and ref lookups, not one per commit

    // A resume from a mid-pass checkpoint prints the rest (patches included) with one more git log.
    const resumed = itemsOf(await readDiffs(config, pages[3]!.checkpoint));
    expect(resumed.map((i) => i.content)).toEqual(items.slice(4 * 40).map((i) => i.content));
  });
});
