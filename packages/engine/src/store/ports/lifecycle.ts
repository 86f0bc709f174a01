/** Opening, migrating and closing a store: what every process does with it before and after the other ports. */

export interface MigrationStatus {
  current: number;
  latest: number;
}

/** Whether the store keeps embeddings and ranks by them; `reason` says why not (shown at start-up). */
export interface VectorSupport {
  enabled: boolean;
  reason: string;
}

export interface StoreLifecycle {
  readonly kind: 'sqlite' | 'postgres';
  /** Vector search availability (known after `migrate()`): whether vectors are on, and why not. */
  vectorSupport(): VectorSupport;
  /** Applies pending migrations. Idempotent; safe to call on every start. */
  migrate(): Promise<MigrationStatus>;
  migrationStatus(): Promise<MigrationStatus>;
  /** Cheap round trip for readiness probes. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
