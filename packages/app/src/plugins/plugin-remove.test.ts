import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runtimeEngineFactory } from '../cli/engine-factory.js';
import type { CliIo } from '../cli/io.js';
import { runCli } from '../cli/program.js';
import { loadConnectors } from '../runtime/connector-modules.js';
import { openRuntime } from '../runtime/open-runtime.js';
import { writePlugin } from './test-support/plugin-fixtures.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'tributary-plugin-remove-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const env = { HOME: tmp, TRIBUTARY_SYNC_THREADS: '0' };

async function run(dataDir: string, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    stdinIsTTY: false,
    env,
    cwd: tmp,
    confirm: async () => true,
    onInterrupt: () => () => undefined,
  };
  const connectors = (dir: string) => loadConnectors(undefined, { dataDir: dir, env });
  const code = await runCli(['--data-dir', dataDir, ...argv], io, {
    connectors,
    openEngine: runtimeEngineFactory(env),
  });
  return { code, stdout, stderr };
}

async function registryRow(dataDir: string, name: string) {
  const runtime = await openRuntime({ dataDir, env, connectors: [], syncIn: 'inline' });
  try {
    return await runtime.store.connectorRegistry!.get(name);
  } finally {
    await runtime.close();
  }
}

it('`connectors remove` also forgets the plugin in the registry: no stale "disabled" when it comes back', async () => {
  const dataDir = path.join(tmp, 'data');
  const dir = writePlugin(tmp, { connector: 'gone-soon' });
  const installed = await run(dataDir, 'connectors', 'install', dir);
  expect(installed.code, installed.stderr).toBe(0);
  const off = await run(dataDir, 'connectors', 'disable', 'gone-soon');
  expect(off.code, off.stderr).toBe(0);
  expect(await registryRow(dataDir, 'gone-soon')).toMatchObject({ name: 'gone-soon', enabled: false });

  const removed = await run(dataDir, 'connectors', 'remove', 'gone-soon');
  expect(removed.code, removed.stderr).toBe(0);
  expect(removed.stdout).toMatch(/Removed plugin gone-soon/);
  expect(await registryRow(dataDir, 'gone-soon')).toBeNull();
}, 60_000);
