import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { vectorContract } from '../vector.contract.js';
import { createSqliteStore } from './index.js';

/** sqlite-vec in the store's own database file. */
vectorContract('sqlite-vec', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'trib-vec-'));
  const store = createSqliteStore({ path: path.join(dir, 'db.sqlite') });
  await store.migrate();
  return {
    index: store.vectorIndex!,
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
