import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { synthetic } from '@tributary/connectors/synthetic/index';
import { silentLogger } from '@tributary/sdk';
import { openRuntime } from './open-runtime.js';
import { startWorker } from './processes.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-registry-worker-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a job queued for a source whose connector was disabled since', () => {
  it('is dead-lettered at once (not retried) with connector_disabled, and nothing is synced', async () => {
    const runtime = await openRuntime({ dataDir: dir, env: { TRIBUTARY_SYNC_THREADS: '0' }, connectors: [synthetic] });
    try {
      const source = await runtime.engine.sources.add({ connector: 'synthetic', name: 'gen', config: { count: 5 } });
      await runtime.queue.enqueue({
        type: 'synthetic:sync',
        payload: { sourceId: source.id, userId: source.ownerId, options: {} },
        maxAttempts: 3,
      });
      await runtime.engine.connectors.registry.setEnabled('synthetic', false);
      const worker = startWorker(runtime, { logger: silentLogger, concurrency: 1 });
      let dead: Awaited<ReturnType<typeof runtime.queue.listDeadLetters>> = [];
      for (let i = 0; i < 200 && dead.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        dead = await runtime.queue.listDeadLetters();
      }
      await worker.stop();
      expect(dead).toHaveLength(1);
      expect(dead[0]!.job.attempts).toBe(1);
      expect(dead[0]!.error).toMatch(/connector disabled \(synthetic\).*tributary connectors enable synthetic/);
      expect(await runtime.engine.runs({ sourceId: source.id })).toEqual([]);
      expect(await runtime.store.countMemories({ sourceId: source.id })).toBe(0);
    } finally {
      await runtime.close();
    }
  }, 60_000);
});
