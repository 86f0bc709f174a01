import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createEngine, createSqliteStore } from '@tributary/engine';
import {
  BACKFILL_CACHE_MB,
  BACKFILL_WAL_PAGES,
  type FtsBacklogOptions,
} from '@tributary/engine/store/sqlite/fts-backlog';
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

interface SyncRound {
  seconds: number;
  cpu: { self: number; children: number; total: number };
}

/** One first sync of the repository into a new SQLite database, through the real runner, pipeline and store. */
async function syncOnce(
  repoDir: string,
  commits: number,
  diffs: boolean,
  ftsBacklog: FtsBacklogOptions,
): Promise<SyncRound> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-bench-gitdb-'));
  try {
    const store = createSqliteStore({ path: path.join(dir, 'git.db'), ftsBacklog });
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
    const cpu = cpuSince(syncStart);
    await engine.close();
    if (sync.result.created !== commits)
      throw new Error(`bench: expected ${commits} commits created, got ${sync.result.created}`);
    return { seconds: sync.seconds, cpu };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const secondsList = (xs: Array<{ seconds: number }>): string => xs.map((x) => fmt(x.seconds, 1)).join(' / ');

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
  // BENCH_GIT_ROUNDS (default 2): syncs into a new database each, interleaved with the raw walks.
  const rounds = Math.max(1, Number(process.env.BENCH_GIT_ROUNDS ?? 2) || 1);
  // BENCH_GIT_BACKFILL_CACHE_MB / _WAL_PAGES: page cache and checkpoint interval while the backfill writes (default
  // the store's, fts-backlog.ts); 64 and 1000 with TRIBUTARY_SYNC_HEAP_GROWTH_PERCENT=0 is this phase before them.
  const backfill = {
    backfillCacheMb: Number(process.env.BENCH_GIT_BACKFILL_CACHE_MB ?? BACKFILL_CACHE_MB),
    backfillWalPages: Number(process.env.BENCH_GIT_BACKFILL_WAL_PAGES ?? BACKFILL_WAL_PAGES),
  };
  const repoDir = path.join(os.tmpdir(), `tributary-bench-git-${commits}`);
  const gen = await timed(() => generateBenchRepo(repoDir, commits));
  const rawRun = async (): Promise<SyncRound> => {
    const start = cpuSeconds();
    const t = await timed(() => rawGitLog(repoDir, diffs));
    const cpu = cpuSince(start);
    return { seconds: t.seconds, cpu: { self: 0, children: cpu.children, total: cpu.children } };
  };
  // As `tributary sync` and the sync threads do (runtime/sync-heap.ts): this process is the sync process.
  const heapGrowth = boundSyncHeapGrowth();
  // The raw walk runs before every sync and after the last: on a shared machine the load changes from one minute to
  // the next, so each side is the best of its runs (best raw against best sync), and each sync is also compared
  // with the faster of the raw walks on either side of it.
  const raws = [await rawRun()];
  const syncs: SyncRound[] = [];
  let firstPeak = 0;
  for (let r = 0; r < rounds; r++) {
    syncs.push(await syncOnce(repoDir, commits, diffs, backfill));
    firstPeak ||= peakRssMb();
    raws.push(await rawRun());
  }
  const best = (xs: SyncRound[]): SyncRound => xs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  const least = (xs: number[]): number => Math.min(...xs);
  const raw = best(raws);
  const sync = best(syncs);
  const rawCpu = least(raws.map((x) => x.cpu.total));
  const node = least(syncs.map((x) => x.cpu.self));
  const git = least(syncs.map((x) => x.cpu.children));
  const ratio = raw.seconds / sync.seconds;
  const neighbours = syncs.map((s, i) => fmt(Math.min(raws[i]!.seconds, raws[i + 1]!.seconds) / s.seconds, 2));
  printTable(`git connector (${fmt(commits)} commits${diffs ? ', diffs feature on' : ''}, SQLite)`, [
    ['repository', `${repoDir} (generated in ${fmt(gen.seconds, 1)} s, reused when present)`],
    [
      `raw git log --numstat${diffs ? ' --patch' : ''}`,
      `${fmt(commits / raw.seconds)} commits/s (best of ${secondsList(raws)} s, before, between and after the syncs)`,
    ],
    [
      'sync (runner + pipeline + store)',
      `${fmt(commits / sync.seconds)} commits/s (best of ${secondsList(syncs)} s) → ratio ${fmt(ratio, 2)} (target ≥ 0.50)`,
    ],
    ['ratio of each sync', `${neighbours.join(' / ')} (against the faster raw walk beside it)`],
    ['CPU time (least of the runs)', `raw git ${fmt(rawCpu, 1)} s; sync node ${fmt(node, 1)} s + git ${fmt(git, 1)} s`],
    [
      'CPU ratio',
      // git and the engine run side by side (read-ahead worker): on two idle cores the sync takes about as long as
      // the busier of the two; on one core, their sum.
      `${fmt(rawCpu / Math.max(node, git), 2)} on 2 free cores (raw ÷ max(node, git)); ${fmt(rawCpu / (node + git), 2)} on 1 core (raw ÷ sum)`,
    ],
    [
      'peak RSS',
      `${peakRssMb()} MB, ${firstPeak} MB over the first sync (target ≤ 250; heap growth ${heapGrowth ? `${heapGrowth} %` : "V8's"}, backfill cache ${backfill.backfillCacheMb} MB, checkpoints every ${fmt(backfill.backfillWalPages)} WAL pages)`,
    ],
    [
      'load average',
      os
        .loadavg()
        .map((x) => fmt(x, 2))
        .join(' '),
    ],
  ]);
}
