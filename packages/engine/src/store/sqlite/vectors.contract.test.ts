import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { vectorContract } from '../vector.contract.js';
import { vectorQueueContract } from '../vector-queue.contract.js';
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

vectorQueueContract('sqlite', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'trib-vq-'));
  const store = createSqliteStore({ path: path.join(dir, 'db.sqlite') });
  await store.migrate();
  const close = store.close.bind(store);
  return Object.assign(store, {
    async close() {
      await close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
});
