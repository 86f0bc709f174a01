import type Database from 'better-sqlite3';
import { TributaryError } from '@tributary/sdk/errors';
import {
  settingFromRow,
  toRegistryEntry,
  type ConnectorRegistryPort,
  type RegistryRow,
  type StoredFeatureSetting,
} from '../registry.js';

export const REGISTRY_MIGRATION = `
CREATE TABLE connector_registry (
  name TEXT PRIMARY KEY,
  version TEXT NOT NULL,
  origin TEXT NOT NULL CHECK (origin IN ('builtin', 'plugin')),
  enabled INTEGER NOT NULL DEFAULT 1,
  installed_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  manifest_hash TEXT NOT NULL
);
CREATE TABLE connector_feature_flags (
  connector TEXT NOT NULL REFERENCES connector_registry(name) ON DELETE CASCADE,
  feature TEXT NOT NULL,
  enabled INTEGER,
  config TEXT,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (connector, feature)
);
CREATE TABLE source_feature_config (
  source_id TEXT NOT NULL REFERENCES data_sources(id) ON DELETE CASCADE,
  feature TEXT NOT NULL,
  config TEXT NOT NULL,
  PRIMARY KEY (source_id, feature)
);
`;

/** The connector registry on SQLite (statements prepared once the schema is migrated). */
export function createSqliteRegistry(db: Database.Database, now: () => string): ConnectorRegistryPort {
  const get = db.prepare('SELECT * FROM connector_registry WHERE name = ?');
  const upsert = db.prepare(
    `INSERT INTO connector_registry (name, version, origin, enabled, installed_at, updated_at, manifest_hash)
     VALUES (@name, @version, @origin, 1, @now, @now, @manifestHash)
     ON CONFLICT (name) DO UPDATE SET version = excluded.version, origin = excluded.origin,
       manifest_hash = excluded.manifest_hash,
       updated_at = CASE WHEN connector_registry.version = excluded.version
         AND connector_registry.manifest_hash = excluded.manifest_hash AND connector_registry.origin = excluded.origin
         THEN connector_registry.updated_at ELSE excluded.updated_at END`,
  );
  const setEnabled = db.prepare('UPDATE connector_registry SET enabled = ?, updated_at = ? WHERE name = ?');
  const features = db.prepare('SELECT feature, enabled, config FROM connector_feature_flags WHERE connector = ?');
  const putFeature = db.prepare(
    `INSERT INTO connector_feature_flags (connector, feature, enabled, config, updated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (connector, feature) DO UPDATE SET enabled = excluded.enabled, config = excluded.config,
       updated_at = excluded.updated_at`,
  );
  const delFeature = db.prepare('DELETE FROM connector_feature_flags WHERE connector = ? AND feature = ?');
  const sourceConfigs = db.prepare('SELECT feature, config FROM source_feature_config WHERE source_id = ?');
  const putSourceConfig = db.prepare(
    `INSERT INTO source_feature_config (source_id, feature, config) VALUES (?, ?, ?)
     ON CONFLICT (source_id, feature) DO UPDATE SET config = excluded.config`,
  );
  const delSourceConfig = db.prepare('DELETE FROM source_feature_config WHERE source_id = ? AND feature = ?');
  const sourceExists = db.prepare('SELECT 1 FROM data_sources WHERE id = ?');
  const entry = (name: string) => {
    const row = get.get(name) as RegistryRow | undefined;
    return row ? toRegistryEntry(row) : null;
  };

  return {
    async register(input) {
      upsert.run({ ...input, now: now() });
      return entry(input.name)!;
    },
    get: async (name) => entry(name),
    async list() {
      return (db.prepare('SELECT * FROM connector_registry ORDER BY name').all() as RegistryRow[]).map(toRegistryEntry);
    },
    async setEnabled(name, enabled) {
      setEnabled.run(enabled ? 1 : 0, now(), name);
      return entry(name);
    },
    async remove(name) {
      return db.prepare('DELETE FROM connector_registry WHERE name = ?').run(name).changes > 0;
    },
    async connectorFeatures(name) {
      const out: Record<string, StoredFeatureSetting> = {};
      for (const r of features.all(name) as Array<{ feature: string; enabled: number | null; config: string | null }>)
        out[r.feature] = settingFromRow(r.enabled, r.config);
      return out;
    },
    async setConnectorFeature(name, feature, setting) {
      if (!get.get(name)) throw new TributaryError('not_found', `Connector "${name}" is not registered.`);
      if (setting === null) {
        delFeature.run(name, feature);
        return;
      }
      const enabled = setting.enabled === undefined ? null : setting.enabled ? 1 : 0;
      putFeature.run(name, feature, enabled, setting.config ? JSON.stringify(setting.config) : null, now());
    },
    async sourceFeatureConfigs(sourceId) {
      const out: Record<string, Record<string, unknown>> = {};
      for (const r of sourceConfigs.all(sourceId) as Array<{ feature: string; config: string }>)
        out[r.feature] = JSON.parse(r.config) as Record<string, unknown>;
      return out;
    },
    async setSourceFeatureConfig(sourceId, feature, config) {
      if (!sourceExists.get(sourceId)) throw new TributaryError('not_found', `No source with id "${sourceId}".`);
      if (config === null) delSourceConfig.run(sourceId, feature);
      else putSourceConfig.run(sourceId, feature, JSON.stringify(config));
    },
  };
}
