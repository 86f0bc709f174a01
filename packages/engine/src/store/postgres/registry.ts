import type pg from 'pg';
import { TributaryError } from '@tributary/sdk';
import {
  settingFromRow,
  toRegistryEntry,
  type ConnectorRegistryPort,
  type RegistryRow,
  type StoredFeatureSetting,
} from '../registry.js';
import { withPgErrors } from './db.js';

export const REGISTRY_MIGRATION_PG = `
CREATE TABLE connector_registry (
  name TEXT PRIMARY KEY,
  version TEXT NOT NULL,
  origin TEXT NOT NULL CHECK (origin IN ('builtin', 'plugin')),
  enabled BOOLEAN NOT NULL DEFAULT true,
  installed_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  manifest_hash TEXT NOT NULL
);
CREATE TABLE connector_feature_flags (
  connector TEXT NOT NULL REFERENCES connector_registry(name) ON DELETE CASCADE,
  feature TEXT NOT NULL,
  enabled BOOLEAN,
  config JSONB,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (connector, feature)
);
CREATE TABLE source_feature_config (
  source_id TEXT NOT NULL REFERENCES data_sources(id) ON DELETE CASCADE,
  feature TEXT NOT NULL,
  config JSONB NOT NULL,
  PRIMARY KEY (source_id, feature)
);
`;

/** The connector registry on PostgreSQL. */
export function createPgRegistry(pool: pg.Pool, now: () => string): ConnectorRegistryPort {
  const q = <R extends pg.QueryResultRow = any>(text: string, values?: unknown[]) => pool.query<R>(text, values);
  const entry = async (name: string) => {
    const { rows } = await q<RegistryRow>('SELECT * FROM connector_registry WHERE name = $1', [name]);
    return rows[0] ? toRegistryEntry(rows[0]) : null;
  };

  // Driver errors mapped like the rest of the store (connection loss → retryable store_unavailable).
  return withPgErrors<ConnectorRegistryPort>({
    async register(input) {
      const { rows } = await q<RegistryRow>(
        `INSERT INTO connector_registry (name, version, origin, enabled, installed_at, updated_at, manifest_hash)
         VALUES ($1, $2, $3, true, $4, $4, $5)
         ON CONFLICT (name) DO UPDATE SET version = excluded.version, origin = excluded.origin,
           manifest_hash = excluded.manifest_hash,
           updated_at = CASE WHEN connector_registry.version = excluded.version
             AND connector_registry.manifest_hash = excluded.manifest_hash
             AND connector_registry.origin = excluded.origin
             THEN connector_registry.updated_at ELSE excluded.updated_at END
         RETURNING *`,
        [input.name, input.version, input.origin, now(), input.manifestHash],
      );
      return toRegistryEntry(rows[0]!);
    },
    get: entry,
    async list() {
      const { rows } = await q<RegistryRow>('SELECT * FROM connector_registry ORDER BY name');
      return rows.map(toRegistryEntry);
    },
    async setEnabled(name, enabled) {
      const { rows } = await q<RegistryRow>(
        'UPDATE connector_registry SET enabled = $1, updated_at = $2 WHERE name = $3 RETURNING *',
        [enabled, now(), name],
      );
      return rows[0] ? toRegistryEntry(rows[0]) : null;
    },
    async remove(name) {
      return ((await q('DELETE FROM connector_registry WHERE name = $1', [name])).rowCount ?? 0) > 0;
    },
    async connectorFeatures(name) {
      const { rows } = await q<{ feature: string; enabled: boolean | null; config: unknown }>(
        'SELECT feature, enabled, config FROM connector_feature_flags WHERE connector = $1',
        [name],
      );
      const out: Record<string, StoredFeatureSetting> = {};
      for (const r of rows) out[r.feature] = settingFromRow(r.enabled, r.config);
      return out;
    },
    async setConnectorFeature(name, feature, setting) {
      if (!(await entry(name))) throw new TributaryError('not_found', `Connector "${name}" is not registered.`);
      if (setting === null) {
        await q('DELETE FROM connector_feature_flags WHERE connector = $1 AND feature = $2', [name, feature]);
        return;
      }
      await q(
        `INSERT INTO connector_feature_flags (connector, feature, enabled, config, updated_at)
         VALUES ($1, $2, $3, $4::jsonb, $5)
         ON CONFLICT (connector, feature) DO UPDATE SET enabled = excluded.enabled, config = excluded.config,
           updated_at = excluded.updated_at`,
        [name, feature, setting.enabled ?? null, setting.config ? JSON.stringify(setting.config) : null, now()],
      );
    },
    async sourceFeatureConfigs(sourceId) {
      const { rows } = await q<{ feature: string; config: Record<string, unknown> }>(
        'SELECT feature, config FROM source_feature_config WHERE source_id = $1',
        [sourceId],
      );
      return Object.fromEntries(rows.map((r) => [r.feature, r.config]));
    },
    async setSourceFeatureConfig(sourceId, feature, config) {
      if (config === null) {
        await q('DELETE FROM source_feature_config WHERE source_id = $1 AND feature = $2', [sourceId, feature]);
        return;
      }
      const exists = await q('SELECT 1 FROM data_sources WHERE id = $1', [sourceId]);
      if (exists.rowCount === 0) throw new TributaryError('not_found', `No source with id "${sourceId}".`);
      await q(
        `INSERT INTO source_feature_config (source_id, feature, config) VALUES ($1, $2, $3::jsonb)
         ON CONFLICT (source_id, feature) DO UPDATE SET config = excluded.config`,
        [sourceId, feature, JSON.stringify(config)],
      );
    },
  });
}
