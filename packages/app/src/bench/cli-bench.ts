import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEngine, createSqliteStore } from '@tributary/engine';
import { synthetic } from '@tributary/connectors/synthetic/index';
import { zipfWord } from '@tributary/connectors/synthetic/zipf';
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
function startMs(args: string[]): { wall: number[]; cpu: number[] } {
  const wall: number[] = [];
  const cpu: number[] = [];
  const out = path.join(os.tmpdir(), `tributary-bench-time-${process.pid}`);
  for (let i = 0; i < RUNS; i++) {
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
 * CLI start-up: wall time of `tributary --version`, `--help`, `connectors`, `sources list` and `search` (a new
 * process each, median of 9; wall and CPU time) against `node -e 0` measured in the same run; the difference is
 * what Tributary costs before it does anything. The data dir holds BENCH_CLI_ITEMS (default 20,000) synthetic items in 3 sources.
 * Targets (#13): --version and --help ≤ 0.3 s.
 */
export async function benchCliPhase(): Promise<void> {
  const items = Number(process.env.BENCH_CLI_ITEMS ?? 20_000);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tributary-bench-cli-'));
  try {
    const store = createSqliteStore({ path: path.join(dataDir, 'tributary.db') });
    await store.migrate();
    const engine = createEngine({ store, connectors: [synthetic] });
    for (let s = 0; s < 3; s++) {
      const source = await engine.sources.add({
        connector: 'synthetic',
        name: `bench-${s}`,
        config: { count: Math.ceil(items / 3), pageSize: 2000, kind: 'chat', text: 'zipf' },
      });
      await engine.sync(source.id);
    }
    await engine.close();

    const baseRun = startMs(['-e', '0']);
    const base = percentile(baseRun.wall, 50);
    const baseCpu = percentile(baseRun.cpu, 50);
    const cli = (...args: string[]) => [CLI, '--data-dir', dataDir, ...args];
    const cases: Array<[string, string[]]> = [
      ['tributary --version', [CLI, '--version']],
      ['tributary --help', [CLI, '--help']],
      ['tributary connectors', cli('connectors')],
      ['tributary sources list', cli('sources', 'list')],
      ['tributary search <word>', cli('search', zipfWord(120), '--limit', '10')],
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
    printTable(`CLI start (${fmt(items)} items in the data dir, ${RUNS} runs each)`, rows);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
