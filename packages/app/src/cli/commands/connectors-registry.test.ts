import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteStore } from '@tributary/engine';
import { LOCAL_USER_ID } from '@tributary/engine/engine/types';
import { defineConnector, featureOf, z } from '@tributary/sdk';
import { issueToken } from '../../auth/tokens.js';
import { startServer } from '../../api/server.js';
import { createClient } from '../../api/test-support/server.js';
import { openRuntime } from '../../runtime/open-runtime.js';
import { harness } from '../test-support/harness.js';

const Titles = z.object({ prefix: z.string().default('note'), upper: z.boolean().default(false) });

/** One item per run; its title shows the feature settings that run read (so a test sees what changed). */
const notes = defineConnector({
  manifest: {
    name: 'notes',
    version: '1.0.0',
    sdk: '^1.0.0',
    title: 'Notes',
    description: 'Test connector with a configurable feature.',
    auth: { type: 'none' },
    config: z.object({}),
    checkpoint: z.object({ n: z.number() }),
    streams: ['notes'],
    features: {
      titles: { default: true, description: 'Titled notes', config: Titles },
      tags: { default: false, description: 'Tags', dependsOn: ['titles'] },
    },
  },
  check: async () => ({ ok: true, message: 'notes ready' }),
  async *read(ctx) {
    const n = (ctx.checkpoint?.n ?? 0) + 1;
    const t = featureOf(ctx, 'titles', Titles);
    const title = `${t.enabled ? t.config.prefix : 'plain'}-${n}${ctx.features.tags ? '-tagged' : ''}`;
    yield {
      items: [
        {
          externalId: `n${n}`,
          stream: 'notes',
          content: `body ${n}`,
          contentType: 'text',
          occurredAt: '2026-01-01T00:00:00.000Z',
          title: t.config.upper ? title.toUpperCase() : title,
        },
      ],
      checkpoint: { n },
    };
  },
});

let dir: string;
let home: string;
const cleanups: Array<() => Promise<void>> = [];
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-registry-cli-'));
  home = path.join(dir, 'home');
});
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
  rmSync(dir, { recursive: true, force: true });
});

/** The title the last sync stored for item n, read from the data dir's database. */
async function titleOf(n: number): Promise<string | undefined> {
  const store = createSqliteStore({ path: path.join(home, 'tributary.db') });
  try {
    const source = await store.getSourceByName(LOCAL_USER_ID, 'n');
    return (await store.getMemoryByExternalId(source!.id, `n${n}`))?.title ?? undefined;
  } finally {
    await store.close();
  }
}

/** An API server over the same data dir, with an admin token. */
async function api() {
  const runtime = await openRuntime({ dataDir: home, env: {}, connectors: [notes], syncIn: 'inline' });
  const server = await startServer({ engine: runtime.engine, port: 0 });
  const { token } = await issueToken(runtime.store, { userId: LOCAL_USER_ID, name: 'test' });
  cleanups.push(async () => {
    await server.close();
    await runtime.close();
  });
  return createClient(server.url, token);
}

describe('connector registry and feature flags from the CLI, the API and the config file', () => {
  it('feature settings with config round-trip through CLI, API and file, and change what the next run reads', async () => {
    const { run } = harness([notes], home, dir);
    // The connector's features as JSON: each config schema as JSON Schema, dependencies named.
    const shown0 = (await run('connectors', 'notes', '--json')).json();
    expect(shown0.features.titles.configSchema.properties.prefix).toMatchObject({ type: 'string', default: 'note' });
    expect(shown0.features.tags).toEqual({ default: false, description: 'Tags', dependsOn: ['titles'] });
    expect((await run('connectors', 'notes')).stdout).toMatch(/titles\s+on\s+prefix, upper/);
    expect((await run('sources', 'add', 'notes', '--name', 'n')).code).toBe(0);
    await run('sync', 'n');
    expect(await titleOf(1)).toBe('note-1');

    // CLI, connector-wide → the API shows it; the next run reads it
    const set = await run('connectors', 'feature', 'notes', 'titles', '--set', 'prefix=cli', '--json');
    expect(set.code).toBe(0);
    expect(set.json().features.titles).toMatchObject({ enabled: true, config: { prefix: 'cli', upper: false } });
    const call = await api();
    const viaApi = await call('GET', '/connectors/{name}/features', { params: { name: 'notes' } });
    expect(viaApi.body.features.titles).toMatchObject({
      config: { prefix: 'cli' },
      connector: { config: { prefix: 'cli' } },
    });
    expect((await run('sync', 'n')).code).toBe(0);
    expect(await titleOf(2)).toBe('cli-2');

    // API, per source → the CLI shows it; the next run reads it (no restart: the API's process stays up)
    const sourceId = (await call('GET', '/sources')).body.sources[0].id;
    const posted = await call('POST', '/sources/{id}/features/{feature}', {
      params: { id: sourceId, feature: 'titles' },
      body: { config: { upper: true } },
    });
    expect(posted.status).toBe(200);
    const shown = await run('sources', 'features', 'n', '--json');
    expect(shown.json().features.titles).toMatchObject({
      config: { prefix: 'cli', upper: true },
      source: { config: { upper: true } },
    });
    await run('sync', 'n');
    expect(await titleOf(3)).toBe('CLI-3');

    // File: connector-wide and per-source settings; apply prints the changes; API and CLI show them
    const file = path.join(dir, 'tributary.yaml');
    writeFileSync(
      file,
      [
        'connectors:',
        '  notes:',
        '    features:',
        '      titles: { enabled: true, config: { prefix: file } }',
        '      tags: true',
        'sources:',
        '  - id: n',
        '    type: notes',
        '    name: n',
        '    features:',
        '      titles: { config: { upper: false } }',
        '',
      ].join('\n'),
    );
    const applied = await run('apply', '-f', file, '--json');
    expect(applied.code).toBe(0);
    expect(applied.json().registry).toEqual([
      {
        kind: 'feature',
        connector: 'notes',
        feature: 'titles',
        setting: { enabled: true, config: { prefix: 'file' } },
      },
      { kind: 'feature', connector: 'notes', feature: 'tags', setting: { enabled: true } },
      { kind: 'source-feature', sourceId, sourceName: 'n', feature: 'titles', config: { upper: false } },
    ]);
    expect((await run('apply', '-f', file, '--json')).json().registry).toEqual([]); // idempotent
    const after = await call('GET', '/sources/{id}/features', { params: { id: sourceId } });
    expect(after.body.features.titles.config).toEqual({ prefix: 'file', upper: false });
    expect(after.body.features.tags).toMatchObject({ enabled: true, connector: { enabled: true } });
    await run('sync', 'n');
    expect(await titleOf(4)).toBe('file-4-tagged');
  });

  it('disable/enable from CLI, API and file: sources show connector disabled and never run', async () => {
    const { run } = harness([notes], home, dir);
    await run('sources', 'add', 'notes', '--name', 'n');
    const off = await run('connectors', 'disable', 'notes', '--json');
    expect(off.json()).toMatchObject({ name: 'notes', enabled: false, origin: 'builtin' });
    const list = await run('sources', 'list');
    expect(list.stdout).toMatch(/n\s+notes\s+connector disabled/);
    expect((await run('sources', 'show', 'n')).stdout).toMatch(/^n\s+notes\s+connector disabled/);
    expect((await run('status')).stdout).toMatch(/n\s+notes\s+connector disabled/);
    expect((await run('status', '--json')).json().sources[0].statusReason).toBe('connector disabled');
    const sync = await run('sync', 'n');
    expect(sync.code).toBe(1);
    expect(sync.stderr).toContain('connector disabled');
    const check = await run('sources', 'check', 'n');
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('connector disabled');
    expect((await run('connectors', 'status', '--json')).json().connectors).toEqual([
      expect.objectContaining({ name: 'notes', enabled: false, version: '1.0.0', missingEnvVars: [] }),
    ]);

    const call = await api();
    const sourceId = (await call('GET', '/sources')).body.sources[0].id;
    expect((await call('GET', '/sources/{id}', { params: { id: sourceId } })).body.status_reason).toBe(
      'connector disabled',
    );
    const refused = await call('POST', '/sources/{id}/sync', { params: { id: sourceId }, query: { wait: 'true' } });
    expect(refused).toMatchObject({ status: 409, body: { error: { code: 'connector_disabled' } } });
    expect((await call('GET', '/sources/{id}/history', { params: { id: sourceId } })).body.runs).toEqual([]);
    expect((await call('GET', '/connectors')).body.connectors[0]).toMatchObject({ name: 'notes', enabled: false });

    const file = path.join(dir, 'on.yaml');
    writeFileSync(file, 'connectors:\n  notes:\n    enabled: true\n');
    const applied = await run('apply', '-f', file);
    expect(applied.stdout).toContain('~ connector notes: enable');
    expect((await call('GET', '/connectors/{name}', { params: { name: 'notes' } })).body.enabled).toBe(true);
    expect((await run('sync', 'n')).code).toBe(0);
    expect(await titleOf(1)).toBe('note-1');
    const ok = await run('sources', 'check', 'n', '--json');
    expect(ok.code).toBe(0);
    expect(ok.json()).toMatchObject({ ok: true, message: 'notes ready' });
    expect((await call('POST', '/connectors/{name}/disable', { params: { name: 'notes' } })).body.enabled).toBe(false);
    expect((await run('sync', 'n')).code).toBe(1);
  });

  it('bad input is refused with the field and reason, and changes nothing', async () => {
    const { run } = harness([notes], home, dir);
    await run('sources', 'add', 'notes', '--name', 'n');
    const typo = await run('connectors', 'feature', 'notes', 'titles', '--set', 'prefx=1');
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/features\.titles\.config\.prefx.*did you mean "prefix"/);
    const badType = await run('sources', 'feature', 'n', 'titles', '--set', 'upper="yes"');
    expect(badType.code).toBe(2);
    expect(badType.stderr).toContain('features.titles.config.upper');
    expect((await run('connectors', 'feature', 'notes', 'wiki', '--on')).code).toBe(2);
    expect((await run('connectors', 'feature', 'notes', 'titles', '--on', '--off')).code).toBe(2);
    expect((await run('connectors', 'feature', 'notes', 'titles')).stderr).toContain('Nothing to change');
    await run('sources', 'feature', 'n', 'titles', '--off');
    const dep = await run('sources', 'feature', 'n', 'tags', '--on');
    expect(dep.code).toBe(2);
    expect(dep.stderr).toContain('depends on "titles"');
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(
      file,
      'connectors:\n  nope: { enabled: false }\n  notes:\n    features: { titles: { config: { prefx: a } } }\n',
    );
    const applied = await run('apply', '-f', file);
    expect(applied.code).toBe(2);
    expect(applied.stderr).toContain('connectors.nope');
    expect(applied.stderr).toContain('connectors.notes.features.titles.config.prefx');
    const features = (await run('sources', 'features', 'n', '--json')).json().features;
    expect(features.titles).toMatchObject({
      enabled: false,
      config: { prefix: 'note', upper: false },
      connector: null,
    });
    expect(features.tags).toMatchObject({ enabled: false, source: null });
    expect((await run('connectors', 'status', '--json')).json().connectors[0].enabled).toBe(true);
  });
});
