import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { builtinConnectors } from '@tributary/connectors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runtimeEngineFactory } from '../cli/engine-factory.js';
import type { CliIo } from '../cli/io.js';
import { runCli } from '../cli/program.js';

// The trust boundary from the CLI, as the machine's owner runs it: the data dir is never a source (not even for the
// embedded owner), users and their allowed roots are managed with `users` and `apply`, and budgets come from the env.
let base: string;
let dataDir: string;
let share: string;

/** Runs the CLI in-process on a real data dir; `env` reaches the runtime (budgets). */
async function cli(env: Record<string, string>, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    stdinIsTTY: false,
    env: { TRIBUTARY_HOME: dataDir, HOME: base, ...env },
    cwd: base,
    confirm: async () => true,
    onInterrupt: () => () => undefined,
  };
  const code = await runCli(argv, io, {
    connectors: builtinConnectors,
    openEngine: runtimeEngineFactory({ TRIBUTARY_SYNC_THREADS: '0', ...env }),
  });
  return { code, stdout, stderr };
}

beforeAll(() => {
  base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'tributary-cli-trust-')));
  dataDir = path.join(base, 'home');
  share = path.join(base, 'share');
  mkdirSync(share, { recursive: true });
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('the CLI', () => {
  it('refuses the data dir and its database as a source, even to the embedded owner', async () => {
    expect((await cli({}, 'init')).code).toBe(0);
    const files = await cli({}, 'sources', 'add', 'files', '--name', 'home', '--set', `rootDir=${dataDir}`);
    expect(files.code).toBe(1);
    expect(files.stderr).toMatch(/config\.rootDir: .* is inside the server’s data directory/);
    const db = await cli(
      {},
      'sources',
      'add',
      'sqlite',
      '--name',
      'self',
      '--config',
      JSON.stringify({
        dbPath: path.join(dataDir, 'tributary.db'),
        table: 'memories',
        columns: { content: 'content' },
      }),
    );
    expect(db.code).toBe(1);
    expect(db.stderr).toMatch(/config\.dbPath/);
    expect((await cli({}, 'sources', 'list', '--json')).stdout).toMatch(/"sources":\s*\[\]/);
  });

  it('manages users and their allowed roots with `users` and `apply`', async () => {
    const added = await cli({}, 'users', 'add', 'alice', '--root', share);
    expect(added.code).toBe(0);
    expect(added.stdout).toContain(`allowed roots: ${share}`);
    expect((await cli({}, 'users', 'roots', 'alice', 'relative/dir')).code).toBe(2);
    const file = path.join(base, 'tributary.json');
    writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        users: [
          { id: 'alice', allowedRoots: [] },
          { id: 'bob', allowedRoots: [share] },
        ],
      }),
    );
    const applied = await cli({}, 'apply', '-f', file);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('~ user alice: allowed roots → none');
    expect(applied.stdout).toContain(`+ user bob (allowed roots: ${share})`);
    const list = JSON.parse((await cli({}, 'users', 'list', '--json')).stdout).users as Array<{
      id: string;
      allowedRoots: string[];
      isAdmin: boolean;
    }>;
    expect(list.map((u) => [u.id, u.isAdmin, u.allowedRoots])).toEqual([
      ['local', true, []],
      ['alice', false, []],
      ['bob', false, [share]],
    ]);
    expect((await cli({}, 'apply', '-f', file)).stdout).toContain('Nothing to do');
  });

  it('stops a sync at the budget set in the environment, with the budget_exceeded hint', async () => {
    await cli({}, 'sources', 'add', 'synthetic', '--name', 'big', '--set', 'count=5000', '--set', 'pageSize=100');
    const run = await cli({ TRIBUTARY_BUDGET_RUN_ITEMS: '1000' }, 'sync', 'big');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/budget_exceeded|at most 1000 items/);
    expect(run.stderr).toMatch(/TRIBUTARY_BUDGET_RUN_ITEMS/);
    const bad = await cli({ TRIBUTARY_BUDGET_RUN_BYTES: 'lots' }, 'sync', 'big');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('TRIBUTARY_BUDGET_RUN_BYTES="lots"');
    const ok = await cli({ TRIBUTARY_BUDGET_RUN_ITEMS: '5000', TRIBUTARY_BUDGET_RUN_BYTES: '5GiB' }, 'sync', 'big');
    expect(ok.code).toBe(0);
  });
});
