/**
 * The connector registry port (seed §B `datasource_registry` + `datasource_feature_flags`): which connectors this
 * deployment knows, whether each is enabled, and the feature settings of a connector and of a source. Both store
 * adapters implement it (sqlite/registry.ts, postgres/registry.ts) and pass `registry.contract.ts`.
 */

export type ConnectorOrigin = 'builtin' | 'plugin';

export interface ConnectorRegistryEntry {
  name: string;
  version: string;
  origin: ConnectorOrigin;
  /** A disabled connector's sources never run (scheduler, sync now, webhooks). @default true */
  enabled: boolean;
  /** When the connector was first registered (kept across upgrades). */
  installedAt: string;
  updatedAt: string;
  /** sha256 of the manifest's declarative part: a change tells an upgrade (or a tampered plugin) apart. */
  manifestHash: string;
}

/** One stored feature setting: either part may be absent (then the layer below decides). */
export interface StoredFeatureSetting {
  enabled?: boolean;
  config?: Record<string, unknown>;
}

export interface ConnectorRegistryPort {
  /**
   * Records a loaded connector: inserted enabled when new; version, origin and hash updated when known (its
   * `enabled` and `installedAt` are kept).
   */
  register(input: {
    name: string;
    version: string;
    origin: ConnectorOrigin;
    manifestHash: string;
  }): Promise<ConnectorRegistryEntry>;
  get(name: string): Promise<ConnectorRegistryEntry | null>;
  /** Every entry, by name. */
  list(): Promise<ConnectorRegistryEntry[]>;
  /** @returns the updated entry, or null when the connector was never registered */
  setEnabled(name: string, enabled: boolean): Promise<ConnectorRegistryEntry | null>;
  /** Forgets a connector and its connector-wide feature settings (a removed plugin). */
  remove(name: string): Promise<boolean>;
  /** Connector-wide feature settings, by feature. */
  connectorFeatures(name: string): Promise<Record<string, StoredFeatureSetting>>;
  /**
   * Replaces one connector-wide feature setting (`null` clears it). The connector must be registered.
   * @throws TributaryError `not_found`
   */
  setConnectorFeature(name: string, feature: string, setting: StoredFeatureSetting | null): Promise<void>;
  /** A source's feature configs (its on/off overrides stay on the source record). */
  sourceFeatureConfigs(sourceId: string): Promise<Record<string, Record<string, unknown>>>;
  /**
   * Replaces one feature config of a source (`null` clears it); removed with the source.
   * @throws TributaryError `not_found` when the source does not exist
   */
  setSourceFeatureConfig(sourceId: string, feature: string, config: Record<string, unknown> | null): Promise<void>;
}

/** A stored setting as JSON columns: `enabled` (null = unset) and `config` (null = unset). */
export function settingFromRow(enabled: boolean | number | null, config: unknown): StoredFeatureSetting {
  const out: StoredFeatureSetting = {};
  if (enabled !== null) out.enabled = enabled === true || enabled === 1;
  if (config !== null && config !== undefined)
    out.config = (typeof config === 'string' ? JSON.parse(config) : config) as Record<string, unknown>;
  return out;
}

export interface RegistryRow {
  name: string;
  version: string;
  origin: string;
  enabled: boolean | number;
  installed_at: string;
  updated_at: string;
  manifest_hash: string;
}

export function toRegistryEntry(row: RegistryRow): ConnectorRegistryEntry {
  return {
    name: row.name,
    version: row.version,
    origin: row.origin === 'plugin' ? 'plugin' : 'builtin',
    enabled: row.enabled === true || row.enabled === 1,
    installedAt: row.installed_at,
    updatedAt: row.updated_at,
    manifestHash: row.manifest_hash,
  };
}
