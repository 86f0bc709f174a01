import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine, createSqliteStore } from '@tributary/engine';
import { synthetic } from '@tributary/connectors/synthetic/index';
import { silentLogger } from '@tributary/sdk';
import { openRuntime } from '../runtime/open-runtime.js';
import { startWorker } from '../runtime/processes.js';
import { assertWorkerHasConnector } from './worker-guard.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-worker-guard-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a worker without a job’s connector', () => {
  it('refuses the job (retryable, so a worker that has the plugin may take it) naming connector, source and host', async () => {
    const store = createSqliteStore({ path: path.join(dir, 'db.sqlite') });
    await store.migrate();
    const engine = createEngine({ store, connectors: [synthetic] });
    const source = await engine.sources.add({ connector: 'synthetic', name: 'gen', config: { count: 1 } });
    await expect(assertWorkerHasConnector(engine, source.id)).resolves.toBeUndefined();
    // The same store seen by a worker host where this connector is not installed.
    const lacking = { store, ports: engine.ports, connectors: { ...engine.connectors, list: () => [] } };
    const err = await assertWorkerHasConnector(lacking, source.id, 'worker-7').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'incompatible_connector', retryable: true });
    expect((err as Error).message).toMatch(
      /The worker on worker-7 has no connector "synthetic" \(source "gen"\): install the plugin on every worker host/,
    );
    await engine.close();
  });

  it('a worker host without the plugin dead-letters its job with that reason, shown on the source', async () => {
    const dataDir = path.join(dir, 'host');
    const env = { TRIBUTARY_SYNC_THREADS: '0' };
    // The host that has the connector adds the source; a worker host without it consumes the job.
    const full = await openRuntime({ dataDir, env, connectors: [synthetic] });
    const source = await full.engine.sources.add({ connector: 'synthetic', name: 'gen2', config: { count: 1 } });
    await full.close();
    const lacking = await openRuntime({ dataDir, env, connectors: [] });
    try {
      await lacking.queue.enqueue({
        type: 'synthetic:sync',
        payload: { sourceId: source.id, userId: source.ownerId, options: {} },
        maxAttempts: 1,
      });
      const worker = startWorker(lacking, { logger: silentLogger, concurrency: 1 });
      let dead: Awaited<ReturnType<typeof lacking.queue.listDeadLetters>> = [];
      for (let i = 0; i < 200 && dead.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        dead = await lacking.queue.listDeadLetters();
      }
      await worker.stop();
      expect(dead).toHaveLength(1);
      expect(dead[0]!.error).toMatch(
        /has no connector "synthetic" \(source "gen2"\): install the plugin on every worker host/,
      );
      await expect
        .poll(async () => (await lacking.store.getSource(source.id))?.errorMessage)
        .toMatch(/dead job .*has no connector "synthetic"/);
    } finally {
      await lacking.close();
    }
  }, 60_000);
});
