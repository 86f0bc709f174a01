import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defineConnector, silentLogger, z } from '@tributary/sdk';
import { openRuntime } from './open-runtime.js';
import { startWatchers } from './watchers.js';

const active = new Set<string>();

/** A connector whose watcher only records that it runs until aborted. */
const watchy = defineConnector({
  manifest: {
    name: 'watchy',
    version: '1.0.0',
    sdk: '^1.0.0',
    title: 'Watchy',
    description: 'Realtime test connector.',
    auth: { type: 'none' },
    config: z.object({}),
    checkpoint: z.object({}),
    streams: ['x'],
    features: { realtime: { default: false, description: 'Watch in real time.' } },
  },
  check: async () => ({ ok: true, message: 'ok' }),
  async *read() {
    yield { items: [], checkpoint: {} };
  },
  async watch(ctx) {
    active.add(ctx.sourceId);
    await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
    active.delete(ctx.sourceId);
  },
});

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('realtime watchers follow the registry', () => {
  it('start when realtime is on connector-wide, stop when the connector is disabled or the source turns it off', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-watchers-'));
    dirs.push(dir);
    const runtime = await openRuntime({ dataDir: dir, env: {}, connectors: [watchy], syncIn: 'inline' });
    const watchers = startWatchers(runtime, silentLogger, 3_600_000);
    try {
      const reg = runtime.engine.connectors.registry;
      const source = await runtime.engine.sources.add({ connector: 'watchy', name: 'w' });
      await watchers.refresh();
      expect(active.has(source.id)).toBe(false); // default off

      await reg.setFeature('watchy', 'realtime', { enabled: true });
      await watchers.refresh();
      await expect.poll(() => active.has(source.id)).toBe(true);

      await reg.setEnabled('watchy', false);
      await watchers.refresh();
      await expect.poll(() => active.has(source.id)).toBe(false);

      await reg.setEnabled('watchy', true);
      await watchers.refresh();
      await expect.poll(() => active.has(source.id)).toBe(true);
      await reg.setSourceFeature(await runtime.engine.sources.get(source.id), 'realtime', { enabled: false });
      await watchers.refresh();
      await expect.poll(() => active.has(source.id)).toBe(false);
    } finally {
      await watchers.stop();
      await runtime.close();
    }
  });
});
