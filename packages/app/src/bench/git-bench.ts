import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createEngine, createSqliteStore } from '@tributary/engine';
import { BACKFILL_CACHE_MB } from '@tributary/engine/store/sqlite/fts-backlog';
import { gitConnector } from '@tributary/connectors/git/index';
import { generateBenchRepo } from '@tributary/connectors/git/bench-repo';
import { boundSyncHeapGrowth } from '../runtime/sync-heap.js';
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

/**
 * CPU seconds used so far by this process (all threads) and by its children that have exited (git), from
 * /proc/self/stat (Linux; NaN elsewhere). On a shared machine wall time measures the neighbours as much as the code:
 * the CPU ratio compares the work done.
 */
function cpuSeconds(): { self: number; children: number } {
  const self = (process.cpuUsage().user + process.cpuUsage().system) / 1e6;
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 16 and 17 (cutime, cstime) in clock ticks, 100 per second on Linux.
    return { self, children: (Number(f[13]) + Number(f[14])) / 100 };
  } catch {
    return { self, children: NaN };
  }
}

function cpuSince(start: { self: number; children: number }): { self: number; children: number; total: number } {
  const now = cpuSeconds();
  const self = now.self - start.self;
  const children = now.children - start.children;
  return { self, children, total: self + children };
}

function rawGitLog(dir: string, patches: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const fd = openSync('/dev/null', 'w');
    const args = patches ? [...RAW_LOG_ARGS.slice(0, -1), '--patch', 'main'] : RAW_LOG_ARGS;
    const c = spawn('git', args, { cwd: dir, stdio: ['ignore', fd, 'inherit'] });
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
  // BENCH_GIT_DIFFS=1: the sync also keeps a patch excerpt per commit (the `diffs` feature), compared with the
  // same raw `git log --numstat --patch`.
  const diffs = process.env.BENCH_GIT_DIFFS === '1';
  const repoDir = path.join(os.tmpdir(), `tributary-bench-git-${commits}`);
  const gen = await timed(() => generateBenchRepo(repoDir, commits));
  // The raw walk runs before AND after the sync, and the faster of the two is the baseline: on a shared machine the
  // load changes during a minute-long sync, and the stricter baseline keeps the ratio honest.
  const rawRun = async () => {
    const start = cpuSeconds();
    const t = await timed(() => rawGitLog(repoDir, diffs));
    return { seconds: t.seconds, cpu: cpuSince(start).children };
  };
  const rawBefore = await rawRun();
  // As `tributary sync` and the sync threads do (runtime/sync-heap.ts): this process is the sync process.
  const heapGrowth = boundSyncHeapGrowth();

  const dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-bench-gitdb-'));
  try {
    // BENCH_GIT_BACKFILL_CACHE_MB: the page cache while the backfill writes (default the store's, fts-backlog.ts);
    // 64 with TRIBUTARY_SYNC_HEAP_GROWTH_PERCENT=0 is how this phase ran before both existed.
    const backfillCacheMb = process.env.BENCH_GIT_BACKFILL_CACHE_MB;
    const store = createSqliteStore({
      path: path.join(dir, 'git.db'),
      ...(backfillCacheMb ? { ftsBacklog: { backfillCacheMb: Number(backfillCacheMb) } } : {}),
    });
    await store.migrate();
    const engine = createEngine({ store, connectors: [gitConnector] });
    const source = await engine.sources.add({
      connector: 'git',
      name: 'bench',
      config: { rootDir: repoDir },
      ...(diffs ? { features: { diffs: true } } : {}),
    });
    const syncStart = cpuSeconds();
    const sync = await timed(() => engine.sync(source.id));
    const syncCpu = cpuSince(syncStart);
    await engine.close();
    const rawAfter = await rawRun();
    const raw = rawBefore.seconds <= rawAfter.seconds ? rawBefore : rawAfter;
    const rawCpu = Math.min(rawBefore.cpu, rawAfter.cpu);
    if (sync.result.created !== commits)
      throw new Error(`bench: expected ${commits} commits created, got ${sync.result.created}`);
    const rawRate = commits / raw.seconds;
    const rate = commits / sync.seconds;
    printTable(`git connector (${fmt(commits)} commits${diffs ? ', diffs feature on' : ''}, SQLite)`, [
      ['repository', `${repoDir} (generated in ${fmt(gen.seconds, 1)} s, reused when present)`],
      [
        `raw git log --numstat${diffs ? ' --patch' : ''}`,
        `${fmt(rawRate)} commits/s (best of ${fmt(rawBefore.seconds, 1)} s before and ${fmt(rawAfter.seconds, 1)} s after the sync)`,
      ],
      [
        'sync (runner + pipeline + store)',
        `${fmt(rate)} commits/s (${fmt(sync.seconds, 1)} s) → ratio ${fmt(rate / rawRate, 2)} (target ≥ 0.50)`,
      ],
      [
        'CPU time',
        `raw git ${fmt(rawCpu, 1)} s; sync ${fmt(syncCpu.total, 1)} s (node ${fmt(syncCpu.self, 1)} s + git ${fmt(syncCpu.children, 1)} s)`,
      ],
      [
        'CPU ratio',
        // git and the engine run side by side (read-ahead worker): on two idle cores the sync takes about as long as
        // the busier of the two; on one core, their sum.
        `${fmt(rawCpu / Math.max(syncCpu.self, syncCpu.children), 2)} on 2 free cores (raw ÷ max(node, git)); ${fmt(rawCpu / syncCpu.total, 2)} on 1 core (raw ÷ sum)`,
      ],
      [
        'peak RSS',
        `${peakRssMb()} MB (target ≤ 250; heap growth ${heapGrowth ? `${heapGrowth} %` : "V8's"}, backfill cache ${backfillCacheMb ?? BACKFILL_CACHE_MB} MB)`,
      ],
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
