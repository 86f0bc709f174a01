import { afterEach, beforeEach, describe } from 'vitest';
import type { MemoryStore } from './types.js';
import type { MakeStore } from './contract-support.js';
import { authContract } from './ports/auth.contract.js';
import { connectorStateContract } from './ports/connector-state.contract.js';
import { credentialsContract } from './ports/credentials.contract.js';
import { kvContract } from './ports/kv.contract.js';
import { leasesContract } from './ports/leases.contract.js';
import { lifecycleContract } from './ports/lifecycle.contract.js';
import { memoriesContract } from './ports/memories.contract.js';
import { runsContract } from './ports/runs.contract.js';
import { searchContract } from './ports/search.contract.js';
import { sourcesContract } from './ports/sources.contract.js';
import { bulkContract } from './ports/write-path-bulk.contract.js';
import { writePathContract } from './ports/write-path.contract.js';

/**
 * The store contract: every backend (SQLite, PostgreSQL) runs every port's suite (`ports/*.contract.ts`) against a
 * fresh store per test. Each suite takes only the ports it exercises. Capability differences are not allowed: a
 * backend that cannot pass a test is not a backend.
 */
export function storeContract(name: string, makeStore: MakeStore): void {
  describe(`store contract: ${name}`, () => {
    let store: MemoryStore;
    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      await store.close();
    });
    const get = (): MemoryStore => store;

    lifecycleContract(get);
    sourcesContract(get);
    runsContract(get);
    writePathContract(get);
    bulkContract(get);
    connectorStateContract(get);
    memoriesContract(get);
    searchContract(get);
    leasesContract(get);
    authContract(get);
    credentialsContract(get);
    kvContract(get);
  });
}
