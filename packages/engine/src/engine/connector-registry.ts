import { createHash } from 'node:crypto';
import {
  assertFeatureDependencies,
  configJsonSchema,
  parseFeatureConfig,
  resolveFeatureSettings,
  TributaryError,
  type AnyConnector,
  type FeatureOverride,
  type FeatureSetting,
} from '@tributary/sdk';
import type { ConnectorOrigin, ConnectorRegistryEntry, StoredFeatureSetting } from '../store/registry.js';
import type { MemoryStore, SourceRecord } from '../store/types.js';

/** A connector as the registry shows it: what is loaded, and what the store says about it. */
export interface ConnectorStatus {
  name: string;
  version: string;
  origin: ConnectorOrigin;
  enabled: boolean;
  installedAt: string | null;
  updatedAt: string | null;
  manifestHash: string;
  /** Required `envVars` of the manifest absent from the host environment (its syncs fail until set). */
  missingEnvVars: string[];
}

/** One feature of a connector or a source: the effective state and the layers it came from. */
export interface FeatureView extends FeatureSetting {
  default: boolean;
  description: string;
  dependsOn: string[];
  /** The connector-wide setting (registry / config file), when one is stored. */
  connector: StoredFeatureSetting | null;
  /** The source's own override (only on a source's view). */
  source?: StoredFeatureSetting | null;
  configSchema: Record<string, unknown> | null;
}

/** A write of one feature: `null` clears that part of the layer, `undefined` leaves it. */
export interface FeatureWrite {
  enabled?: boolean | null;
  config?: Record<string, unknown> | null;
}

export interface ConnectorRegistry {
  /** Records every loaded connector in the store (version, origin, manifest hash); idempotent. */
  sync(): Promise<void>;
  list(): Promise<ConnectorStatus[]>;
  /** @throws `not_found` */
  status(name: string): Promise<ConnectorStatus>;
  /** @throws `not_found` (unknown connector) */
  setEnabled(name: string, enabled: boolean): Promise<ConnectorStatus>;
  /** @throws `connector_disabled` (409) when the source's connector is disabled or misses required environment variables */
  assertRunnable(source: SourceRecord): Promise<void>;
  features(name: string): Promise<Record<string, FeatureView>>;
  /** @throws `not_found`, `invalid_config` (unknown feature, bad config, a dependency that is off) */
  setFeature(name: string, feature: string, write: FeatureWrite): Promise<Record<string, FeatureView>>;
  sourceFeatures(source: SourceRecord): Promise<Record<string, FeatureView>>;
  /** @throws as {@link setFeature} */
  setSourceFeature(source: SourceRecord, feature: string, write: FeatureWrite): Promise<Record<string, FeatureView>>;
  /** What a run of this source reads: every feature's state and validated config. */
  settingsFor(source: SourceRecord): Promise<Record<string, FeatureSetting>>;
  /**
   * Drops a connector's row (enabled flag, connector-wide features), e.g. when its plugin is removed: installed
   * again, it starts from its manifest's defaults. Unknown names are fine (nothing to drop).
   */
  forget(name: string): Promise<void>;
}

/** sha256 of a manifest's declarative part and config schema, keys sorted: equal manifests hash equal. */
export function manifestHash(c: AnyConnector): string {
  const { config, checkpoint: _checkpoint, features, ...data } = c.manifest;
  const featureData = Object.fromEntries(
    Object.entries(features ?? {}).map(([k, f]) => [k, { ...f, config: f.config ? configJsonSchema(f.config) : null }]),
  );
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
          )
        : v;
  const json = JSON.stringify(canonical({ ...data, features: featureData, config: configJsonSchema(config) }));
  return createHash('sha256').update(json).digest('hex');
}

/** Required environment variables of a connector that `env` lacks (empty strings count as missing). */
export function missingEnvVars(c: AnyConnector, env: Record<string, string | undefined>): string[] {
  return (c.manifest.envVars ?? []).filter((v) => v.required !== false && !env[v.name]).map((v) => v.name);
}

const layerOfSource = (source: SourceRecord, configs: Record<string, Record<string, unknown>>) => {
  const out: Record<string, FeatureOverride> = {};
  for (const [k, enabled] of Object.entries(source.features)) out[k] = { enabled };
  for (const [k, config] of Object.entries(configs)) out[k] = { ...out[k], config };
  return out;
};

const applyWrite = (old: StoredFeatureSetting | undefined, w: FeatureWrite): StoredFeatureSetting => {
  const next: StoredFeatureSetting = { ...old };
  if (w.enabled === null) delete next.enabled;
  else if (w.enabled !== undefined) next.enabled = w.enabled;
  if (w.config === null) delete next.config;
  else if (w.config !== undefined) next.config = w.config;
  return next;
};

export interface RegistryDeps {
  store: MemoryStore;
  connectors: Map<string, AnyConnector>;
  connector(name: string): AnyConnector;
  origin?: (c: AnyConnector) => ConnectorOrigin;
  env?: Record<string, string | undefined>;
}

/**
 * The engine's view of the registry (DESIGN §3, seed §B). Without a registry port in the store every connector is
 * enabled and only manifest defaults and source flags apply.
 */
export function createConnectorRegistry(deps: RegistryDeps): ConnectorRegistry {
  const { store } = deps;
  const port = store.connectorRegistry;
  // No environment given (a library user, a test): nothing to check against.
  const missing = (c: AnyConnector): string[] => (deps.env ? missingEnvVars(c, deps.env) : []);
  const hashes = new Map<string, string>();
  const hashOf = (c: AnyConnector): string => {
    let h = hashes.get(c.manifest.name);
    if (!h) hashes.set(c.manifest.name, (h = manifestHash(c)));
    return h;
  };
  const originOf = (c: AnyConnector): ConnectorOrigin => deps.origin?.(c) ?? 'builtin';

  const statusOf = (c: AnyConnector, e: ConnectorRegistryEntry | null | undefined): ConnectorStatus => ({
    name: c.manifest.name,
    version: c.manifest.version,
    origin: originOf(c),
    enabled: e?.enabled ?? true,
    installedAt: e?.installedAt ?? null,
    updatedAt: e?.updatedAt ?? null,
    manifestHash: hashOf(c),
    missingEnvVars: missing(c),
  });

  // An entry is written on first use too, so a connector loaded after start-up can be toggled at once.
  const ensure = async (c: AnyConnector): Promise<ConnectorRegistryEntry | null> => {
    if (!port) return null;
    const e = await port.get(c.manifest.name);
    if (e && e.version === c.manifest.version && e.manifestHash === hashOf(c)) return e;
    return port.register({
      name: c.manifest.name,
      version: c.manifest.version,
      origin: originOf(c),
      manifestHash: hashOf(c),
    });
  };

  const connectorLayer = async (name: string): Promise<Record<string, StoredFeatureSetting>> =>
    port ? port.connectorFeatures(name) : {};
  const sourceConfigs = async (id: string): Promise<Record<string, Record<string, unknown>>> =>
    port ? port.sourceFeatureConfigs(id) : {};

  const views = (
    c: AnyConnector,
    settings: Record<string, FeatureSetting>,
    connector: Record<string, StoredFeatureSetting>,
    source?: Record<string, StoredFeatureSetting>,
  ): Record<string, FeatureView> => {
    const out: Record<string, FeatureView> = {};
    for (const [name, spec] of Object.entries(c.manifest.features ?? {})) {
      out[name] = {
        ...settings[name]!,
        default: spec.default,
        description: spec.description,
        dependsOn: spec.dependsOn ?? [],
        connector: connector[name] ?? null,
        ...(source ? { source: source[name] ?? null } : {}),
        configSchema: spec.config ? configJsonSchema(spec.config) : null,
      };
    }
    return out;
  };

  const requirePort = () => {
    if (!port) throw new TributaryError('unsupported', 'This store keeps no connector registry.');
    return port;
  };
  const knownFeature = (c: AnyConnector, feature: string): void => {
    if (!(feature in (c.manifest.features ?? {})))
      throw new TributaryError(
        'not_found',
        `Connector "${c.manifest.name}" has no feature "${feature}"; known: ${Object.keys(c.manifest.features ?? {}).join(', ') || '(none)'}.`,
        { issues: [{ path: 'feature', message: 'unknown feature' }] },
      );
  };

  const registry: ConnectorRegistry = {
    async sync() {
      for (const c of deps.connectors.values()) await ensure(c);
    },
    async list() {
      const entries = new Map((port ? await port.list() : []).map((e) => [e.name, e]));
      return [...deps.connectors.values()]
        .sort((a, b) => a.manifest.name.localeCompare(b.manifest.name))
        .map((c) => statusOf(c, entries.get(c.manifest.name)));
    },
    async status(name) {
      const c = deps.connector(name);
      return statusOf(c, port ? await port.get(name) : null);
    },
    async forget(name) {
      await port?.remove(name);
    },
    async setEnabled(name, enabled) {
      const c = deps.connector(name);
      await ensure(c);
      return statusOf(c, await requirePort().setEnabled(name, enabled));
    },
    async assertRunnable(source) {
      const c = deps.connector(source.sourceType);
      const e = port ? await port.get(c.manifest.name) : null;
      if (e && !e.enabled)
        throw new TributaryError(
          'connector_disabled',
          `Source "${source.name}" cannot run: connector disabled (${c.manifest.name}). ` +
            `Enable it with \`tributary connectors enable ${c.manifest.name}\`.`,
          { details: { reason: 'connector_disabled', connector: c.manifest.name } },
        );
      const absent = missing(c);
      if (absent.length > 0)
        throw new TributaryError(
          'connector_disabled',
          `Source "${source.name}" cannot run: connector ${c.manifest.name} needs the environment variables ` +
            `${absent.join(', ')} (see \`tributary connectors ${c.manifest.name}\`).`,
          { details: { reason: 'env_missing', connector: c.manifest.name, missing: absent } },
        );
    },
    async features(name) {
      const c = deps.connector(name);
      const layer = await connectorLayer(name);
      return views(c, resolveFeatureSettings(c.manifest, [layer]), layer);
    },
    async setFeature(name, feature, write) {
      const c = deps.connector(name);
      knownFeature(c, feature);
      const layer = await connectorLayer(name);
      const next = applyWrite(layer[feature], write);
      if (next.config) next.config = parseFeatureConfigRaw(c, feature, next.config);
      const settings = resolveFeatureSettings(c.manifest, [{ ...layer, [feature]: next }]);
      assertFeatureDependencies(c.manifest, settings, { [feature]: next });
      await ensure(c);
      await requirePort().setConnectorFeature(name, feature, next.enabled === undefined && !next.config ? null : next);
      return registry.features(name);
    },
    async sourceFeatures(source) {
      const c = deps.connector(source.sourceType);
      const [conn, configs] = await Promise.all([connectorLayer(c.manifest.name), sourceConfigs(source.id)]);
      const own = layerOfSource(source, configs);
      return views(c, resolveFeatureSettings(c.manifest, [conn, own]), conn, own);
    },
    async setSourceFeature(source, feature, write) {
      const c = deps.connector(source.sourceType);
      knownFeature(c, feature);
      const [conn, configs] = await Promise.all([connectorLayer(c.manifest.name), sourceConfigs(source.id)]);
      const own = layerOfSource(source, configs);
      const next = applyWrite(own[feature], write);
      if (next.config) next.config = parseFeatureConfigRaw(c, feature, next.config);
      const settings = resolveFeatureSettings(c.manifest, [conn, { ...own, [feature]: next }]);
      assertFeatureDependencies(c.manifest, settings, { [feature]: next });
      if (write.config !== undefined)
        await requirePort().setSourceFeatureConfig(source.id, feature, next.config ?? null);
      if (write.enabled !== undefined) {
        const flags = { ...source.features };
        if (next.enabled === undefined) delete flags[feature];
        else flags[feature] = next.enabled;
        source = await store.updateSource(source.id, { features: flags });
      }
      return registry.sourceFeatures(source);
    },
    async settingsFor(source) {
      const c = deps.connector(source.sourceType);
      const [conn, configs] = await Promise.all([connectorLayer(c.manifest.name), sourceConfigs(source.id)]);
      return resolveFeatureSettings(c.manifest, [conn, layerOfSource(source, configs)]);
    },
  };
  return registry;
}

/**
 * Checks a layer's config on its own (unknown keys, types) and keeps it as given: defaults are applied when the
 * layers are merged, so a default that changes with the connector is not frozen into the store.
 */
function parseFeatureConfigRaw(c: AnyConnector, feature: string, raw: Record<string, unknown>) {
  parseFeatureConfig(c.manifest, feature, raw);
  return raw;
}
