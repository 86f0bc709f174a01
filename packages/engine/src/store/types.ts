import type { ConnectorRegistryPort } from './registry.js';
import type { AuthStore } from './ports/auth.js';
import type { ConnectorStateStore } from './ports/connector-state.js';
import type { CredentialStore } from './ports/credentials.js';
import type { KvStore } from './ports/kv.js';
import type { LeaseStore } from './ports/leases.js';
import type { StoreLifecycle } from './ports/lifecycle.js';
import type { MemoryReadStore } from './ports/memories.js';
import type { RunStore } from './ports/runs.js';
import type { SearchStore } from './ports/search.js';
import type { SourceStore } from './ports/sources.js';
import type { WriteStore } from './ports/write-path.js';
import type { VectorStore } from './vector-queue.js';

/*
 * The store, split by concern (STYLE "Ports stay small"): each port in `ports/<concern>.ts` with its record types,
 * and its contract suite beside it (`ports/<concern>.contract.ts`), run on SQLite and PostgreSQL. A caller takes the
 * ports it uses (`SourceStore & RunStore`), so what a module may do to the store is visible in its signature.
 * `MemoryStore` is every port at once: what an adapter implements and what the engine is built with. All timestamps
 * are ISO 8601 strings in UTC at this boundary.
 */

export type * from './ports/auth.js';
export type * from './ports/connector-state.js';
export type * from './ports/credentials.js';
export type * from './ports/kv.js';
export type * from './ports/leases.js';
export type * from './ports/lifecycle.js';
export type * from './ports/memories.js';
export type * from './ports/runs.js';
export type * from './ports/search.js';
export type * from './ports/sources.js';
export type * from './ports/write-path.js';

export interface MemoryStore
  extends
    StoreLifecycle,
    SourceStore,
    RunStore,
    WriteStore,
    ConnectorStateStore,
    MemoryReadStore,
    SearchStore,
    LeaseStore,
    AuthStore,
    CredentialStore,
    KvStore,
    VectorStore {
  /** Connectors known to this deployment, enabled or not, and their feature settings (registry.ts). */
  connectorRegistry?: ConnectorRegistryPort;
}

/** The whole store: every port (see above). */
export type Store = MemoryStore;
