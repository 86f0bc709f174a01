import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore } from '../../store/sqlite/index.js';
import type { VaultStore } from '../types.js';
import { createMemoryCredentialStore } from './memory-credential-store.js';

/** A store for vault tests, plus what the tests need around it. */
export interface CredentialBackend {
  store: VaultStore;
  /** Creates a source (and its owner) so credential rows have a parent. */
  addSource(id: string, ownerId?: string): Promise<void>;
  /** The database file, for tests that grep it for plaintext (undefined in memory). */
  dbFile?: string;
  close(): Promise<void>;
}

/** Every backend the vault tests run against: the in-memory double and the real SQLite store. */
export const CREDENTIAL_BACKENDS: Array<{ name: string; create(): Promise<CredentialBackend> }> = [
  {
    name: 'memory',
    async create() {
      const store = createMemoryCredentialStore();
      return {
        store,
        addSource: async (id, ownerId) => void store.addSource(id, ownerId),
        close: async () => undefined,
      };
    },
  },
  {
    name: 'sqlite',
    async create() {
      const dir = await mkdtemp(join(tmpdir(), 'tributary-vault-'));
      const dbFile = join(dir, 'tributary.db');
      const store = createSqliteStore({ path: dbFile });
      await store.migrate();
      const users = new Set<string>();
      return {
        store,
        dbFile,
        async addSource(id, ownerId = 'user-1') {
          if (!users.has(ownerId)) {
            await store.createUser({ id: ownerId, name: ownerId });
            users.add(ownerId);
          }
          await store.createSource({ id, ownerId, sourceType: 'test', name: `source ${id}`, config: {} });
        },
        async close() {
          await store.close();
          await rm(dir, { recursive: true, force: true });
        },
      };
    },
  },
];
