import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AnyConnector } from '@tributary/sdk';
import { createSqliteStore } from '../../store/sqlite/index.js';
import { createEngine } from '../create-engine.js';
import type { EngineOptions, EngineWithStore } from '../types.js';

/** A real engine on a real SQLite file in a temp dir. */
export async function createTestEngine(
  connectors: AnyConnector[],
  options: Partial<EngineOptions> = {},
): Promise<{ engine: EngineWithStore; dir: string; dbPath: string; cleanup: () => Promise<void> }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-engine-'));
  const dbPath = path.join(dir, 'tributary.db');
  const store = createSqliteStore({ path: dbPath });
  await store.migrate();
  const engine = createEngine({ store, connectors, ...options });
  return {
    engine,
    dir,
    dbPath,
    cleanup: async () => {
      await engine.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
