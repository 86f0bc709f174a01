import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine, createSqliteStore } from '@tributary/engine';
import { synthetic } from '@tributary/connectors/synthetic/index';
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
    const lacking = { store, connectors: { ...engine.connectors, list: () => [] } };
    const err = await assertWorkerHasConnector(lacking, source.id, 'worker-7').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'incompatible_connector', retryable: true });
    expect((err as Error).message).toMatch(
      /The worker on worker-7 has no connector "synthetic" \(source "gen"\): install the plugin on every worker host/,
    );
    await engine.close();
  });
});
