import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createEngine, createSqliteStore } from '@tributary/engine';
import { gitConnector } from '@tributary/connectors/git/index';
import { generateBenchRepo } from '@tributary/connectors/git/bench-repo';
import { fmt, peakRssMb, printTable, timed } from './measure.js';

/** The same history walk the connector runs, printed by git alone to /dev/null: the raw rate. */
const RAW_LOG_ARGS = [
  'log',
  '--topo-order',
  '--reverse',
  '--format=%x1e%H%x1f%P%x1f%an%x1f%ae%x1f%aI%x1f%cn%x1f%ce%x1f%cI%x1f%B%x1f',
  '--numstat',
  '--diff-merges=first-parent',
  '--no-renames',
  'main',
];

function rawGitLog(dir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const fd = openSync('/dev/null', 'w');
    const c = spawn('git', RAW_LOG_ARGS, { cwd: dir, stdio: ['ignore', fd, 'inherit'] });
    c.on('error', reject);
    c.on('close', (code) => {
      closeSync(fd);
      if (code === 0) resolve();
      else reject(new Error(`git log exited with ${code}`));
    });
  });
}

/**
 * git connector: a BENCH_GIT_COMMITS-commit repository (default 100,000; generated once by `git fast-import` into
 * the temp folder and reused) synced through the real runner, pipeline and SQLite store, against the raw
 * `git log --numstat` rate measured in the same run. Target: ≥ 0.5 × raw, peak RSS ≤ 250 MB.
 */
export async function benchGitPhase(): Promise<void> {
  const commits = Number(process.env.BENCH_GIT_COMMITS ?? 100_000);
  const repoDir = path.join(os.tmpdir(), `tributary-bench-git-${commits}`);
  const gen = await timed(() => generateBenchRepo(repoDir, commits));
  const raw = await timed(() => rawGitLog(repoDir));

  const dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-bench-gitdb-'));
  try {
    const store = createSqliteStore({ path: path.join(dir, 'git.db') });
    await store.migrate();
    const engine = createEngine({ store, connectors: [gitConnector] });
    const source = await engine.sources.add({ connector: 'git', name: 'bench', config: { rootDir: repoDir } });
    const sync = await timed(() => engine.sync(source.id));
    await engine.close();
    if (sync.result.created !== commits)
      throw new Error(`bench: expected ${commits} commits created, got ${sync.result.created}`);
    const rawRate = commits / raw.seconds;
    const rate = commits / sync.seconds;
    printTable(`git connector (${fmt(commits)} commits, SQLite)`, [
      ['repository', `${repoDir} (generated in ${fmt(gen.seconds, 1)} s, reused when present)`],
      ['raw git log --numstat', `${fmt(rawRate)} commits/s (${fmt(raw.seconds, 1)} s)`],
      [
        'sync (runner + pipeline + store)',
        `${fmt(rate)} commits/s (${fmt(sync.seconds, 1)} s) → ratio ${fmt(rate / rawRate, 2)} (target ≥ 0.50)`,
      ],
      ['peak RSS', `${peakRssMb()} MB (target ≤ 250)`],
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
