import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runtimeEngineFactory } from '../cli/engine-factory.js';
import type { CliIo } from '../cli/io.js';
import { runCli } from '../cli/program.js';
import { finished, repoRoot, startCli } from '../cli/test-support/spawn-cli.js';
import { loadConnectors } from '../runtime/connector-modules.js';
import { packageDir, pluginDir } from './layout.js';
import { writeFakeLib, writePlugin } from './test-support/plugin-fixtures.js';

// The whole life of a plugin through the CLI: scaffold → its own tests → install from the folder and from a .tgz
// into fresh data dirs → add a source → sync → search; two plugins on two majors of one library; a plugin built
// for another SDK major refused at start while the server starts.
let tmp: string;
let scaffold: string;
let twin: {
  url: string;
  token: string;
  reset(n: number): void;
  upsert(id: string, body: string): void;
  close(): Promise<unknown>;
};
const env = { HOME: '', ACME_TOKEN: 'twin-token', TRIBUTARY_SYNC_THREADS: '1' };

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
  const connectors = (dir: string) =>
    loadConnectors(undefined, { dataDir: dir, env, onRefused: (l) => (stderr += `warning: ${l}\n`) });
  const code = await runCli(['--data-dir', dataDir, ...argv], io, {
    connectors,
    openEngine: runtimeEngineFactory(env),
  });
  return { code, stdout, stderr, json: () => JSON.parse(stdout) };
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'tributary-plugins-'));
  env.HOME = tmp;
  scaffold = path.join(tmp, 'acme');
  const made = await run(path.join(tmp, 'unused'), 'connector', 'new', 'acme-notes', '--dir', scaffold);
  expect(made.code, made.stderr).toBe(0);
  twin = await import(pathToFileURL(path.join(scaffold, 'test/twin.js')).href).then((m) => m.startTwin());
  twin.reset(5);
}, 60_000);

afterAll(async () => {
  await twin?.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** install → sources add (runs the sandboxed check) → sync → search, in a fresh data dir. */
async function installAndSync(spec: string, dataDir: string, opts: { checkWithout?: boolean } = {}): Promise<void> {
  const installed = await run(dataDir, 'connectors', 'install', spec);
  expect(installed.code, installed.stderr).toBe(0);
  expect(installed.stdout).toMatch(/Installed tributary-connector-acme-notes@0\.\d\.0 as connector "acme-notes"/);
  if (opts.checkWithout) {
    const added = await run(dataDir, 'sources', 'add', 'acme-notes', '--name', 'notes', '--set', `baseUrl=${twin.url}`);
    // No credential yet: added, and the check (run in the plugin's sandbox) says what is missing.
    expect(added.code, added.stderr).toBe(0);
    expect(added.stderr).toMatch(/check failed: No API token is stored for this source/);
    await run(dataDir, 'sources', 'remove', 'notes', '--yes');
  }
  const ok = await run(
    dataDir,
    ...['sources', 'add', 'acme-notes', '--name', 'notes', '--set', `baseUrl=${twin.url}`],
    ...['--credential-env', 'ACME_TOKEN'],
  );
  expect(ok.code, ok.stderr).toBe(0);
  const synced = await run(dataDir, 'sync', 'notes', '--json');
  expect(synced.code, synced.stderr).toBe(0);
  const hits = (await run(dataDir, 'search', 'quick brown fox', '--json')).json().hits as Array<Record<string, any>>;
  expect(hits.map((h) => h.externalId).sort()).toEqual(['note-0', 'note-1', 'note-2', 'note-3', 'note-4']);
  expect(new Set(hits.map((h) => h.connector))).toEqual(new Set(['acme-notes']));
}

describe('connector plugins end to end', () => {
  it("the scaffold's own tests pass (conformance kit against its twin)", () => {
    mkdirSync(path.join(scaffold, 'node_modules/@tributary'), { recursive: true });
    symlinkSync(path.join(repoRoot, 'packages/sdk'), path.join(scaffold, 'node_modules/@tributary/sdk'));
    symlinkSync(path.join(repoRoot, 'node_modules/vitest'), path.join(scaffold, 'node_modules/vitest'));
    const childEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST')));
    const r = spawnSync(process.execPath, [path.join(repoRoot, 'node_modules/vitest/vitest.mjs'), 'run'], {
      cwd: scaffold,
      env: { ...childEnv, NO_COLOR: '1', CI: '1' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Tests\s+1\d passed/);
    expect(r.stdout).not.toMatch(/failed|skipped/);
  }, 70_000);

  it('installs from its folder into a fresh data dir, syncs, and search finds its items; upgrade and remove', async () => {
    const dataDir = path.join(tmp, 'data-folder');
    await installAndSync(scaffold, dataDir, { checkWithout: true });
    const list = (await run(dataDir, 'connectors', 'list', '--json')).json().connectors as Array<Record<string, any>>;
    expect(list.find((c) => c.name === 'acme-notes')).toMatchObject({
      version: '0.1.0',
      origin: `folder:${scaffold}`,
      status: 'loaded',
      enabled: true,
    });
    expect(list.find((c) => c.name === 'synthetic')).toMatchObject({ origin: 'builtin' });
    // An edit upstream arrives with the next (incremental) sync.
    twin.upsert('note-9', 'A zebra crossed the quick brown fox.');
    expect((await run(dataDir, 'sync', 'notes')).code).toBe(0);
    const zebra = (await run(dataDir, 'search', 'zebra', '--json')).json().hits as Array<Record<string, any>>;
    expect(zebra.map((h) => h.externalId)).toEqual(['note-9']);
    // Upgrade from the same folder after a version bump; remove is refused while a source uses it.
    const pkgFile = path.join(scaffold, 'package.json');
    writeFileSync(pkgFile, readFileSync(pkgFile, 'utf8').replace('"version": "0.1.0"', '"version": "0.2.0"'));
    const up = await run(dataDir, 'connectors', 'upgrade', 'acme-notes');
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toMatch(/Upgraded tributary-connector-acme-notes@0\.2\.0 \(was 0\.1\.0\)/);
    const refused = await run(dataDir, 'connectors', 'remove', 'acme-notes');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/Sources use connector "acme-notes": notes/);
    twin.reset(5);
  }, 90_000);

  it('installs from a .tgz made by npm pack into another fresh data dir, syncs, and search finds its items', async () => {
    const out = execFileSync('npm', ['pack', scaffold, '--pack-destination', tmp, '--json', '--ignore-scripts'], {
      cwd: tmp,
      encoding: 'utf8',
    });
    const tgz = path.join(tmp, (JSON.parse(out) as Array<{ filename: string }>)[0]!.filename);
    await installAndSync(tgz, path.join(tmp, 'data-tgz'));
  }, 90_000);

  it('two plugins depending on two majors of one library load side by side', async () => {
    const dataDir = path.join(tmp, 'data-majors');
    const v1 = writeFakeLib(tmp, '1.0.0');
    const v2 = writeFakeLib(tmp, '2.0.0');
    const reading = `const { describe } = await import('fake-lib');
    yield { items: [{ externalId: 'x', stream: 'notes', content: 'majors ' + describe() }], checkpoint: { done: 1 } };`;
    for (const [connector, lib] of [
      ['lib-one', v1],
      ['lib-two', v2],
    ] as const) {
      const dir = writePlugin(tmp, { connector, dependencies: { 'fake-lib': `file:${lib}` }, read: reading });
      expect((await run(dataDir, 'connectors', 'install', dir)).code).toBe(0);
      expect((await run(dataDir, 'sources', 'add', connector, '--name', connector)).code).toBe(0);
      expect((await run(dataDir, 'sync', connector)).code).toBe(0);
    }
    const version = (c: string) =>
      JSON.parse(readFileSync(path.join(packageDir(pluginDir(dataDir, c), 'fake-lib'), 'package.json'), 'utf8'))
        .version;
    expect([version('lib-one'), version('lib-two')]).toEqual(['1.0.0', '2.0.0']);
    const hits = (await run(dataDir, 'search', 'majors', '--json')).json().hits as Array<Record<string, any>>;
    const byConnector = Object.fromEntries(hits.map((h) => [h.connector, h.snippet.replace(/<\/?mark>/g, '')]));
    expect(byConnector['lib-one']).toMatch(/fake-lib major 1/);
    expect(byConnector['lib-two']).toMatch(/fake-lib major 2/);
  }, 90_000);

  it('a plugin built for sdk ^9.0.0 is refused at start naming both versions; the server still starts', async () => {
    const dataDir = path.join(tmp, 'data-future');
    for (const connector of ['future', 'fine'])
      expect((await run(dataDir, 'connectors', 'install', writePlugin(tmp, { connector }))).code).toBe(0);
    // As if installed under a Tributary with SDK 9 (or published wrongly): its package.json now asks for ^9.0.0.
    const pkgFile = path.join(packageDir(pluginDir(dataDir, 'future'), 'tributary-connector-future'), 'package.json');
    writeFileSync(pkgFile, readFileSync(pkgFile, 'utf8').replace('"sdk": "^1.0.0"', '"sdk": "^9.0.0"'));

    const list = await run(dataDir, 'connectors', 'list', '--json');
    const future = (list.json().connectors as Array<Record<string, any>>).find((c) => c.name === 'future');
    expect(future).toMatchObject({ status: 'refused (sdk_incompatible)', enabled: false });
    expect(future!.message).toMatch(
      /needs @tributary\/sdk \^9\.0\.0, but this Tributary provides @tributary\/sdk 1\.0\.0/,
    );
    const names = ((await run(dataDir, 'connectors', '--json')).json().connectors as Array<{ name: string }>).map(
      (c) => c.name,
    );
    expect(names).toContain('fine');
    expect(names).not.toContain('future');

    const server = startCli(['--data-dir', dataDir, 'serve', '--port', '0'], { HOME: tmp });
    let stdout = '';
    server.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    const done = finished(server);
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve did not start: ${stdout}`)), 60_000);
      server.stdout!.on('data', () => {
        const m = /listening on (http:\/\/\S+?) /.exec(stdout);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
    });
    expect((await fetch(`${url}/health`)).status).toBe(200);
    server.kill('SIGTERM');
    const result = await done;
    expect(result.stderr).toMatch(
      /Plugin "future" \(tributary-connector-future@1\.0\.0\) was not loaded: .*needs @tributary\/sdk \^9\.0\.0, but this Tributary provides @tributary\/sdk 1\.0\.0/,
    );
  }, 90_000);
});
