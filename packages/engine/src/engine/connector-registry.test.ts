import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defineConnector, featureOf, z, type Item } from '@tributary/sdk';
import { createTestEngine } from './test-support/harness.js';
import { createSqliteQueue } from '../queue/sqlite-queue.js';
import { createScheduler, storeSourcePort } from '../scheduler/scheduler.js';
import type { EngineEvent, EngineOptions } from './types.js';

const Titles = z.object({ prefix: z.string().default('note'), upper: z.boolean().default(false) });

/** Yields one item per run whose title shows the feature settings the run read. */
const notes = defineConnector({
  manifest: {
    name: 'notes',
    version: '1.2.0',
    sdk: '^1.0.0',
    title: 'Notes',
    description: 'Test connector',
    auth: { type: 'none' },
    config: z.object({}),
    checkpoint: z.object({ n: z.number() }),
    streams: ['notes'],
    envVars: [{ name: 'NOTES_OPTIONAL', description: 'Not needed', required: false }],
    monitoring: {
      metrics: [
        { name: 'api_rate_limit_remaining', type: 'gauge', description: 'Calls left' },
        { name: 'notes_read', type: 'counter', description: 'Notes read' },
      ],
    },
    features: {
      titles: { default: true, description: 'Titled notes', config: Titles },
      tags: { default: false, description: 'Tags', dependsOn: ['titles'] },
    },
  },
  check: async () => ({ ok: true, message: 'ok' }),
  async *read(ctx) {
    const n = (ctx.checkpoint?.n ?? 0) + 1;
    const t = featureOf(ctx, 'titles', Titles);
    const title = t.enabled ? `${t.config.prefix}-${n}${ctx.features.tags ? '-tagged' : ''}` : `plain-${n}`;
    ctx.metrics?.set('api_rate_limit_remaining', 4999 - n);
    ctx.metrics?.inc('notes_read');
    ctx.metrics?.set('notes_read', 5); // a counter cannot be set: ignored, logged
    ctx.metrics?.inc('undeclared');
    const item: Item = {
      externalId: `n${n}`,
      stream: 'notes',
      content: `body ${n}`,
      contentType: 'text',
      occurredAt: '2026-01-01T00:00:00.000Z',
      title: t.config.upper ? title.toUpperCase() : title,
    };
    yield { items: [item], checkpoint: { n } };
  },
});

const needsEnv = defineConnector({
  ...notes,
  manifest: {
    ...notes.manifest,
    name: 'needs-env',
    envVars: [{ name: 'NEEDS_ENV_TOKEN', description: 'API token' }],
  },
});

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(options: Partial<EngineOptions> = {}) {
  const t = await createTestEngine([notes as any, needsEnv as any], options);
  cleanups.push(t.cleanup);
  return t;
}

const lastTitle = async (engine: Awaited<ReturnType<typeof setup>>['engine'], sourceId: string, n: number) =>
  (await engine.store.getMemoryByExternalId(sourceId, `n${n}`))?.title;

describe('connector registry in the engine', () => {
  it('records loaded connectors with version, origin and manifest hash; missing env vars listed', async () => {
    const { engine } = await setup({
      env: {},
      connectorOrigin: (c) => (c.manifest.name === 'notes' ? 'plugin' : 'builtin'),
    });
    await engine.connectors.registry.sync();
    const list = await engine.connectors.registry.list();
    expect(list.map((c) => [c.name, c.version, c.origin, c.enabled])).toEqual([
      ['needs-env', '1.2.0', 'builtin', true],
      ['notes', '1.2.0', 'plugin', true],
    ]);
    expect(list[1]!.manifestHash).toMatch(/^[0-9a-f]{64}$/);
    expect(list[0]!.manifestHash).not.toBe(list[1]!.manifestHash);
    expect(list[0]!.missingEnvVars).toEqual(['NEEDS_ENV_TOKEN']);
    expect(list[1]!.missingEnvVars).toEqual([]); // optional ones do not count
    expect(list[1]!.installedAt).not.toBeNull();
    const stored = await engine.store.connectorRegistry!.get('notes');
    expect(stored).toMatchObject({ origin: 'plugin', version: '1.2.0', manifestHash: list[1]!.manifestHash });
  });

  it('a source of a connector missing a required env var does not run, with the names in the message', async () => {
    const { engine } = await setup({ env: {} });
    const s = await engine.sources.add({ connector: 'needs-env', name: 'e' });
    await expect(engine.sync(s.id)).rejects.toMatchObject({ code: 'connector_disabled', message: /NEEDS_ENV_TOKEN/ });
    const { engine: withEnv } = await setup({ env: { NEEDS_ENV_TOKEN: 'x' } });
    const s2 = await withEnv.sources.add({ connector: 'needs-env', name: 'e' });
    expect((await withEnv.sync(s2.id)).status).toBe('succeeded');
  });

  it('a disabled connector: sync now is a conflict, the scheduler skips its sources; enabling restores both', async () => {
    const { engine, dir } = await setup();
    const s = await engine.sources.add({ connector: 'notes', name: 'a', schedule: { intervalMinutes: 5 } });
    const queue = createSqliteQueue({ path: path.join(dir, 'q.db') });
    cleanups.push(async () => queue.close());
    const scheduler = createScheduler({ sources: storeSourcePort(engine.store), queue });
    expect((await engine.connectors.registry.setEnabled('notes', false)).enabled).toBe(false);
    await expect(engine.sync(s.id)).rejects.toMatchObject({
      code: 'connector_disabled',
      message: /connector disabled/,
    });
    await expect(scheduler.triggerManual(s.id)).rejects.toMatchObject({ code: 'connector_disabled' });
    const tick = await scheduler.tick();
    expect(tick.enqueued).toEqual([]);
    expect(tick.states[0]).toMatchObject({ sourceId: s.id, status: 'connector_disabled' });
    expect((await scheduler.stateOf(s.id)).status).toBe('connector_disabled');
    expect(await engine.runs({ sourceId: s.id })).toEqual([]);

    await engine.connectors.registry.setEnabled('notes', true);
    expect((await scheduler.tick()).enqueued).toHaveLength(1);
    expect((await engine.sync(s.id)).status).toBe('succeeded');
  });

  it('connector-wide and per-source feature settings change what the next run reads', async () => {
    const { engine } = await setup();
    const a = await engine.sources.add({ connector: 'notes', name: 'a' });
    const b = await engine.sources.add({ connector: 'notes', name: 'b' });
    const reg = engine.connectors.registry;
    await engine.sync(a.id);
    expect(await lastTitle(engine, a.id, 1)).toBe('note-1');

    await reg.setFeature('notes', 'titles', { config: { prefix: 'memo' } });
    await reg.setSourceFeature(await engine.sources.get(b.id), 'titles', { config: { upper: true } });
    await engine.sync(a.id);
    await engine.sync(b.id);
    expect(await lastTitle(engine, a.id, 2)).toBe('memo-2');
    expect(await lastTitle(engine, b.id, 1)).toBe('MEMO-1'); // connector prefix + source upper

    const views = await reg.sourceFeatures(await engine.sources.get(b.id));
    expect(views.titles).toMatchObject({
      enabled: true,
      config: { prefix: 'memo', upper: true },
      connector: { config: { prefix: 'memo' } },
      source: { config: { upper: true } },
    });
    // tags depends on titles: enabling it while titles is off for the source is refused; the source stays as it was
    await reg.setSourceFeature(await engine.sources.get(a.id), 'titles', { enabled: false });
    await expect(reg.setSourceFeature(await engine.sources.get(a.id), 'tags', { enabled: true })).rejects.toMatchObject(
      { code: 'invalid_config', message: /depends on "titles"/ },
    );
    expect((await engine.sources.get(a.id)).features).toEqual({ titles: false });
    await engine.sync(a.id);
    expect(await lastTitle(engine, a.id, 3)).toBe('plain-3');
    // clearing the source override falls back to the connector-wide setting; tags on connector-wide
    await reg.setSourceFeature(await engine.sources.get(a.id), 'titles', { enabled: null });
    await reg.setFeature('notes', 'tags', { enabled: true });
    await engine.sync(a.id);
    expect(await lastTitle(engine, a.id, 4)).toBe('memo-4-tagged');

    await expect(reg.setFeature('notes', 'titles', { config: { prefx: 'x' } })).rejects.toMatchObject({
      code: 'invalid_config',
      issues: [{ path: 'features.titles.config.prefx' }],
    });
    await expect(reg.setFeature('notes', 'wiki', { enabled: true })).rejects.toMatchObject({ code: 'not_found' });
    expect((await reg.features('notes')).titles!.config).toEqual({ prefix: 'memo', upper: false });
  });

  it('ctx.metrics turns declared metric updates into events; misuse is ignored', async () => {
    const events: EngineEvent[] = [];
    const { engine } = await setup({ onEvent: (e) => events.push(e) });
    const s = await engine.sources.add({ connector: 'notes', name: 'm' });
    expect((await engine.sync(s.id)).status).toBe('succeeded');
    const metrics = events.filter((e) => e.type === 'connector_metric');
    expect(metrics).toEqual([
      expect.objectContaining({
        name: 'api_rate_limit_remaining',
        op: 'set',
        value: 4998,
        metricType: 'gauge',
        sourceId: s.id,
        connector: 'notes',
      }),
      expect.objectContaining({ name: 'notes_read', op: 'inc', value: 1, metricType: 'counter' }),
    ]);
  });
});
