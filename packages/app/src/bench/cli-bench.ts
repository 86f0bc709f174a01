import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipfWord } from '@tributary/connectors/synthetic/zipf';
import { zipfDataDir } from './zipf-store.js';
import { fmt, percentile, printTable } from './measure.js';

const RUNS = 9;
// packages/app/dist/cli/main.js, from dist/bench/ and from src/bench/ alike (what `tributary` runs).
const CLI = path.resolve(fileURLToPath(import.meta.url), '../../../dist/cli/main.js');
const ENV = { ...process.env, TRIBUTARY_DATABASE_URL: '', TRIBUTARY_REDIS_URL: '', NO_COLOR: '1' };

const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/**
 * Wall and CPU (user + system) times in ms of a new process running `args`, as a shell would start it. CPU time is
 * the fairer figure on a shared machine: waiting for a core inflates wall time, not CPU time.
 */
function startMs(args: string[], runs = RUNS): { wall: number[]; cpu: number[] } {
  const wall: number[] = [];
  const cpu: number[] = [];
  const out = path.join(os.tmpdir(), `tributary-bench-time-${process.pid}`);
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const r = TIME
      ? spawnSync(TIME, ['-f', '%U %S', '-o', out, process.execPath, ...args], { encoding: 'utf8', env: ENV })
      : spawnSync(process.execPath, args, { encoding: 'utf8', env: ENV });
    wall.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (r.status !== 0) throw new Error(`${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-500)}`);
    if (TIME) {
      const [user, sys] = readFileSync(out, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
      cpu.push(((user ?? 0) + (sys ?? 0)) * 1000);
    }
  }
  rmSync(out, { force: true });
  return { wall, cpu };
}

/**
 * CLI start-up: wall and CPU time of a new `tributary` process (median of 9) for `--version`, `--help`, a command's
 * `--help`, `connectors`, `sources list` and `search` of a rare, a mid-frequency and a very common word on a store of
 * BENCH_CLI_ITEMS (default 1,000,000) Zipf items, against `node -e 0` measured in the same run; the difference is
 * what Tributary costs before (and while) it does anything.
 * Targets (#13): --version and --help ≤ 0.3 s; search on 1M memories ≤ 0.6 s, process included.
 */
export async function benchCliPhase(): Promise<void> {
  const items = Number(process.env.BENCH_CLI_ITEMS ?? 1_000_000);
  const dataDir = await zipfDataDir(items, 'cli', process.env.BENCH_CLI_DIR);
  // One search first: a store built by an older version is migrated by it, which is not start-up time.
  startMs([CLI, '--data-dir', dataDir, 'search', zipfWord(1), '--limit', '1'], 1);
  const baseRun = startMs(['-e', '0']);
  const base = percentile(baseRun.wall, 50);
  const baseCpu = percentile(baseRun.cpu, 50);
  const cli = (...args: string[]) => [CLI, '--data-dir', dataDir, ...args];
  const search = (rank: number) => cli('search', zipfWord(rank), '--limit', '10');
  const cases: Array<[string, string[]]> = [
    ['tributary --version', [CLI, '--version']],
    ['tributary --help', [CLI, '--help']],
    ['tributary sources add --help', [CLI, 'sources', 'add', '--help']],
    ['tributary connectors', cli('connectors')],
    ['tributary sources list', cli('sources', 'list')],
    ['tributary search <rare word> (rank 5,000)', search(5000)],
    ['tributary search <mid word> (rank 120)', search(120)],
    ['tributary search <common word> (rank 1)', search(1)],
    ['import @tributary/connectors', ['--input-type=module', '-e', "await import('@tributary/connectors')"]],
  ];
  const cpuText = (cpu: number[]) =>
    cpu.length ? `; CPU p50 ${fmt(percentile(cpu, 50))} ms (${fmt(percentile(cpu, 50) / baseCpu, 2)}×)` : '';
  const rows: Array<[string, string]> = [['node -e 0 (baseline)', `wall p50 ${fmt(base)} ms${cpuText(baseRun.cpu)}`]];
  for (const [name, args] of cases) {
    const { wall, cpu } = startMs(args);
    const p50 = percentile(wall, 50);
    rows.push([
      name,
      `wall p50 ${fmt(p50)} ms (${fmt(p50 / base, 2)}× node -e 0, +${fmt(p50 - base)} ms), max ${fmt(Math.max(...wall))} ms${cpuText(cpu)}`,
    ]);
  }
  printTable(`CLI start (${fmt(items)} Zipf items in the data dir, ${RUNS} runs each)`, rows);
}
