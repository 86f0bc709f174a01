import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyConnector } from '@tributary/sdk';
import { loadConnectors } from '../runtime/connector-modules.js';
import { openRuntime, type Runtime } from '../runtime/open-runtime.js';
import { installPlugin } from './install.js';
import { packageDir, pluginDir, pluginsDir } from './layout.js';
import { writePlugin } from './test-support/plugin-fixtures.js';

// Four deliberately broken plugins run in sync threads beside a built-in sync: each fails its own run with a
// readable error; the built-in sync commits exactly what it read, and the runtime keeps working.
const env = {
  TRIBUTARY_PLUGIN_WATCHDOG_MS: '3000',
  TRIBUTARY_PLUGIN_MEMORY_MB: '96',
  TRIBUTARY_SYNC_THREADS: '5',
};
let tmp: string;
let dataDir: string;
let runtime: Runtime;
let connectors: AnyConnector[];

const page = (n: number) =>
  `const items = []; for (let i = 0; i < ${n}; i++) items.push({ externalId: 'n' + i, stream: 'notes', content: 'kept note ' + i });
    yield { items, checkpoint: { done: ${n} } };`;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'tributary-sandbox-'));
  dataDir = path.join(tmp, 'data');
  const install = (dir: string) =>
    installPlugin({ dataDir, spec: dir, cwd: tmp, builtinNames: ['synthetic'], env: { ...process.env, ...env } });
  // A page is committed, then the plugin exits (the pause lets the page's message leave before the exit).
  await install(
    writePlugin(tmp, {
      connector: 'exits',
      read: `${page(5)}
    await new Promise((r) => setTimeout(r, 300));
    process.exit(1);`,
    }),
  );
  await install(writePlugin(tmp, { connector: 'hangs', read: `${page(4)}\n    for (;;) {}` }));
  await install(
    writePlugin(tmp, {
      connector: 'hogs',
      read: `const hog = [];
    for (let i = 0; i < 2048; i++) hog.push(new Array(131072).fill(i)); // ~2 GB of heap
    yield { items: [], checkpoint: { done: hog.length } };`,
    }),
  );
  // Imports fine at install time; a later change of its code makes the import throw (a broken update).
  await install(writePlugin(tmp, { connector: 'throws' }));
  const throwsPkg = packageDir(pluginDir(dataDir, 'throws'), 'tributary-connector-throws');
  writeFileSync(path.join(throwsPkg, 'index.js'), `throw new Error('boom at import');\n`);

  connectors = await loadConnectors(undefined, { dataDir, env });
  runtime = await openRuntime({ dataDir, env, connectors });
}, 120_000);

afterAll(async () => {
  await runtime?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('plugin sandbox', () => {
  it('a plugin whose module throws on import is refused at install, naming the error, and leaves nothing', async () => {
    const before = readdirSync(pluginsDir(dataDir)).sort();
    const dir = writePlugin(tmp, { connector: 'bad-import', prelude: `throw new Error('kaput on import');` });
    await expect(
      installPlugin({ dataDir, spec: dir, cwd: tmp, builtinNames: [], env: { ...process.env, ...env } }),
    ).rejects.toThrow(/tributary-connector-bad-import@1\.0\.0.*its module failed to load: kaput on import/);
    expect(readdirSync(pluginsDir(dataDir)).sort()).toEqual(before);
    expect(existsSync(pluginDir(dataDir, 'bad-import'))).toBe(false);
  });

  it('refuses a plugin named like a built-in connector or a connectors command', async () => {
    for (const [connector, why] of [
      ['synthetic', /the name of a built-in connector/],
      ['status', /a word `tributary connectors` uses for a command/],
    ] as const)
      await expect(
        installPlugin({
          dataDir,
          spec: writePlugin(tmp, { connector }),
          cwd: tmp,
          builtinNames: ['synthetic'],
          env: { ...process.env, ...env },
        }),
      ).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(why) });
  });

  it('throw on import, exit mid-read, infinite loop, 2 GB allocation: each fails only its own run', async () => {
    const { engine, store } = runtime;
    const add = (connector: string, config: Record<string, unknown> = {}) =>
      engine.sources.add({ connector, name: connector, config });
    const sources = {
      throws: await add('throws'),
      exits: await add('exits'),
      hangs: await add('hangs'),
      hogs: await add('hogs'),
      builtin: await add('synthetic', { count: 20_000, pageSize: 500 }),
    };
    const results = await Promise.allSettled([
      engine.sync(sources.throws.id),
      engine.sync(sources.exits.id),
      engine.sync(sources.hangs.id),
      engine.sync(sources.hogs.id),
      engine.sync(sources.builtin.id),
    ]);
    const reason = (i: number) => {
      const r = results[i]!;
      expect(r.status).toBe('rejected');
      return String((r as PromiseRejectedResult).reason?.message);
    };
    expect(reason(0)).toMatch(/tributary-connector-throws@1\.0\.0.*its module failed to load: boom at import/);
    expect(reason(1)).toMatch(/tributary-connector-exits@1\.0\.0.*exited with code 1 before it finished/);
    expect(reason(2)).toMatch(/stopped responding: its event loop was blocked .*watchdog/);
    expect(reason(3)).toMatch(/ran out of memory: its heap limit is 96 MB|used \d+ MB of memory, over its limit/);

    // The built-in sync beside them finished exactly.
    const builtin = results[4]!;
    expect(builtin.status).toBe('fulfilled');
    const run = (builtin as PromiseFulfilledResult<Awaited<ReturnType<typeof engine.sync>>>).value;
    expect(run.status).toBe('succeeded');
    expect(run.created).toBe(20_000);
    expect(await store.countMemories({ sourceId: sources.builtin.id })).toBe(20_000);

    // Each broken source shows the error; pages committed before a crash stay, with their checkpoint.
    for (const s of [sources.throws, sources.exits, sources.hangs, sources.hogs]) {
      const now = await engine.sources.get(s.id);
      expect(now.status).toBe('error');
      expect(now.errorMessage).toMatch(/Plugin tributary-connector-/);
    }
    expect(await store.countMemories({ sourceId: sources.exits.id })).toBe(5);
    expect(await store.getCheckpoint(sources.exits.id)).toEqual({ done: 5 });
    expect(await store.countMemories({ sourceId: sources.hangs.id })).toBe(4);
    expect(await store.getCheckpoint(sources.hangs.id)).toEqual({ done: 4 });
    expect(await store.countMemories({ sourceId: sources.hogs.id })).toBe(0);

    // The runtime goes on: search finds what the crashed plugin committed, and another sync runs.
    const hits = await engine.search({ text: 'kept note' });
    expect(hits.hits.some((h) => h.connector === 'exits')).toBe(true);
    const again = await engine.sync(sources.builtin.id);
    expect(again.status).toBe('succeeded');
  }, 120_000);
});
