import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { storeContract } from '../store.contract.js';
import { createSqliteStore } from './index.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-store-'));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

storeContract('sqlite', async () => {
  const store = createSqliteStore({ path: path.join(dir, `store-${n++}.db`) });
  await store.migrate();
  return store;
});
