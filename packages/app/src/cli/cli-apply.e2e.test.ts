import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finished, runCli, startCli } from './test-support/spawn-cli.js';

let tmp: string;
let env: Record<string, string>;
let file: string;
const cli = (...args: string[]) => runCli(args, env);
const names = async () =>
  (
    JSON.parse((await cli('sources', 'list', '--json')).stdout).sources as Array<{
      name: string;
      status: string;
      schedule: unknown;
    }>
  ).sort((a, b) => a.name.localeCompare(b.name));

const declaration = (demoEnabled: boolean, interval: number, withCode = true): string => `version: 1
sources:
${
  withCode
    ? `  - id: code
    type: git
    name: code
    config:
      rootDir: \${REPO_DIR}
    schedule:
      intervalMinutes: ${interval}
`
    : ''
}  - id: demo
    type: synthetic
    name: demo
    config: { count: 30, pageSize: 10, kind: "\${KIND:-chat}" }
    enabled: ${demoEnabled}
`;

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'tributary-apply-'));
  const repo = path.join(tmp, 'repo');
  mkdirSync(repo);
  execFileSync('git', ['init', '-q'], { cwd: repo });
  env = { TRIBUTARY_HOME: path.join(tmp, 'home'), HOME: tmp, REPO_DIR: repo };
  file = path.join(tmp, 'tributary.yaml');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('tributary apply', () => {
  it('--dry-run prints the plan and changes nothing', async () => {
    writeFileSync(file, declaration(false, 30));
    const r = await cli('apply', '-f', file, '--dry-run', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      dryRun: true,
      applied: false,
      summary: { create: 2, update: 0, remove: 0, unchanged: 0 },
    });
    expect(out.plan).toEqual([
      { op: 'create', id: 'code', name: 'code', type: 'git' },
      { op: 'create', id: 'demo', name: 'demo', type: 'synthetic' },
    ]);
    expect(await names()).toEqual([]);
  });

  it('creates the declared sources, then finds nothing to do', async () => {
    const r = await cli('apply', '-f', file);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('+ code (git, id code)');
    expect(r.stdout).toContain('Applied: 2 create');
    expect(await names()).toMatchObject([
      { name: 'code', status: 'active', schedule: { intervalMinutes: 30 } },
      { name: 'demo', status: 'paused' },
    ]);
    const again = JSON.parse((await cli('apply', '-f', file, '--json')).stdout);
    expect(again).toMatchObject({ applied: false, summary: { create: 0, update: 0, remove: 0, unchanged: 2 } });
  });

  it('prunes sources absent from the file, only with --yes when not on a terminal', async () => {
    writeFileSync(file, declaration(false, 30, false));
    const refused = await cli('apply', '-f', file, '--prune');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--yes');
    const pruned = JSON.parse((await cli('apply', '-f', file, '--prune', '--yes', '--json')).stdout);
    expect(pruned.plan).toEqual([
      { op: 'unchanged', id: 'demo', name: 'demo', type: 'synthetic', sourceId: expect.any(String) },
      { op: 'remove', id: expect.any(String), name: 'code', type: 'git' },
    ]);
    expect((await names()).map((s) => s.name)).toEqual(['demo']);
  });
});

describe('tributary sync and Ctrl-C', () => {
  it('stops at SIGINT with exit 130, keeping committed pages', async () => {
    const config = path.join(tmp, 'slow.json');
    writeFileSync(config, JSON.stringify({ count: 100000, pageSize: 20, latencyMs: 50 }));
    expect((await cli('sources', 'add', 'synthetic', '--name', 'slow', '--config', `@${config}`)).code).toBe(0);
    const child = startCli(['sync', 'slow'], env);
    const done = finished(child);
    // Interrupt once, as soon as the first page is committed (an event, not a timer).
    let interrupted = false;
    child.stderr?.on('data', (d: Buffer) => {
      if (!interrupted && /page [1-9]/.test(d.toString())) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    const r = await done;
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('committed work is kept');
    const [runs, stats] = await Promise.all([cli('runs', 'slow', '--json'), cli('stats', 'slow', '--json')]);
    expect(JSON.parse(runs.stdout).runs[0]).toMatchObject({ status: 'aborted' });
    const memories = JSON.parse(stats.stdout).stats[0].memories;
    expect(memories).toBeGreaterThan(0);
    expect(memories).toBeLessThan(100000);
  });
});
