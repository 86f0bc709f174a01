import path from 'node:path';
import { createEngine, createSqliteStore, createVault, loadKeyring } from '@tributary/engine';
import { oauthClientsFromEnv } from '../runtime/oauth-env.js';
import { DB_FILE, type EngineFactory } from './context.js';

/**
 * The embedded engine: one SQLite file in the data dir, migrated on open, with the credential vault keyed by
 * `TRIBUTARY_SECRET_KEY` or the data dir's keyring file (created 0600 on first use).
 */
export function sqliteEngineFactory(env: Record<string, string | undefined>): EngineFactory {
  return async (dataDir, connectors) => {
    const store = createSqliteStore({ path: path.join(dataDir, DB_FILE) });
    try {
      await store.migrate();
      const vault = createVault({
        store,
        keyring: await loadKeyring({ env, dataDir }),
        oauth: oauthClientsFromEnv(env),
      });
      return createEngine({
        store,
        connectors,
        credentials: (source, connector) => vault.credentialAccess(source.id, connector.manifest.auth),
        storeCredential: (sourceId, credential) => vault.put(sourceId, credential),
        configSecrets: vault.configSecrets,
      });
    } catch (err) {
      await store.close();
      throw err;
    }
  };
}
