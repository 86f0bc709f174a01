import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { testConnector } from '@tributary/sdk/testing';
import { gitConnector } from './index.js';
import { TestRepo } from './test-support/repo.js';

const base = mkdtempSync(path.join(tmpdir(), 'tributary-git-conf-'));
let repo: TestRepo | undefined;
let template: TestRepo | undefined;
afterAll(() => {
  repo?.remove();
  rmSync(base, { recursive: true, force: true });
});

testConnector(gitConnector, {
  // pageSize 3 makes a dozen commits span several pages, so crash/resume is tried mid-branch.
  config: { rootDir: path.join(base, 'repo'), branches: ['main', 'feature'], pageSize: 3 },
  badSetups: [
    { name: 'rootDir missing', config: { rootDir: path.join(base, 'nope') } },
    { name: 'not a repository', config: { rootDir: base } },
    { name: 'unknown branch', config: { rootDir: path.join(base, 'repo'), branches: ['no-such-branch'] } },
    { name: 'pattern escaping the repository', config: { rootDir: path.join(base, 'repo'), patterns: ['../outside'] } },
  ],
  setup() {
    // Built once, then copied: a copy has the same shas and costs no git processes (CI machines are slow to fork).
    if (!template) {
      template = new TestRepo(path.join(base, 'template'));
      for (let i = 1; i <= 8; i++) template.commit(`main commit ${i}`, `src/m${i % 3}.ts`);
      template.git('checkout', '-q', '-b', 'feature', 'HEAD~3');
      for (let i = 1; i <= 4; i++) template.commit(`feature commit ${i}`, `docs/f${i}.md`);
      template.git('checkout', '-q', 'main');
    }
    repo?.remove();
    cpSync(template.dir, path.join(base, 'repo'), { recursive: true });
    repo = TestRepo.existing(path.join(base, 'repo'));
  },
  teardown() {
    repo?.remove();
    repo = undefined;
  },
  mutate() {
    const r = repo!;
    // A force push on main: the last two commits are rewritten away, three new ones arrive.
    const dropped = r.shas('main~2..main');
    r.git('reset', '-q', '--hard', 'main~2');
    const added = [
      r.commit('rewritten 1', 'src/new.ts'),
      r.commit('rewritten 2', 'src/new.ts'),
      r.commit('rewritten 3', 'README.md'),
    ];
    return { added, changed: [], deleted: dropped };
  },
});
