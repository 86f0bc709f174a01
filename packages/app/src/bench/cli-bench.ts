import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
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

/** Wall times (ms) of a new process running `args`, as a shell would start it. */
function wallMs(args: string[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', env: ENV });
    out.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (r.status !== 0) throw new Error(`${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-500)}`);
  }
  return out;
}

/**
 * CLI start-up: wall time of `tributary --version`, `--help`, `connectors`, `sources list` and `search` (a new
 * process each, median of 9) against `node -e 0` measured in the same run; the difference is what Tributary costs
 * before it does anything. The data dir holds BENCH_CLI_ITEMS (default 20,000) synthetic items in 3 sources.
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

    const base = percentile(wallMs(['-e', '0']), 50);
    const cli = (...args: string[]) => [CLI, '--data-dir', dataDir, ...args];
    const cases: Array<[string, string[]]> = [
      ['tributary --version', [CLI, '--version']],
      ['tributary --help', [CLI, '--help']],
      ['tributary connectors', cli('connectors')],
      ['tributary sources list', cli('sources', 'list')],
      ['tributary search <word>', cli('search', zipfWord(120), '--limit', '10')],
      ['import @tributary/connectors', ['--input-type=module', '-e', "await import('@tributary/connectors')"]],
    ];
    const rows: Array<[string, string]> = [['node -e 0 (baseline)', `${fmt(base)} ms`]];
    for (const [name, args] of cases) {
      const ms = wallMs(args);
      const p50 = percentile(ms, 50);
      rows.push([
        name,
        `p50 ${fmt(p50)} ms, max ${fmt(Math.max(...ms))} ms; ${fmt(p50 / base, 2)}× node -e 0 (+${fmt(p50 - base)} ms)`,
      ]);
    }
    printTable(`CLI start (${fmt(items)} items in the data dir, ${RUNS} runs each)`, rows);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
