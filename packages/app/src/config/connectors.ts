import type { Engine, FeatureWrite, StoredFeatureSetting } from '@tributary/engine';
import {
  resolveFeatureSettings,
  toFeatureOverride,
  TributaryError,
  type AnyConnector,
  type ErrorIssue,
  type FeatureOverride,
} from '@tributary/sdk';
import type { ConfigFile } from './schema.js';
import type { Plan } from './plan.js';

/**
 * The config file's registry part: `connectors.<name>.enabled`, connector-wide `features`, and the feature configs
 * of declared sources (`sources[].features.<f>.config`). Declarative per declared entry: a declared feature's
 * `{ enabled, config }` is that layer's whole setting; what the file does not mention is left as it is.
 */

export type RegistryChange =
  | { kind: 'enabled'; connector: string; enabled: boolean }
  | { kind: 'feature'; connector: string; feature: string; setting: StoredFeatureSetting }
  | { kind: 'source-feature'; sourceId: string; sourceName: string; feature: string; config: Record<string, unknown> };

const known = (connectors: AnyConnector[], name: string) => connectors.find((c) => c.manifest.name === name);

const asLayer = (features: Record<string, unknown> | undefined): Record<string, FeatureOverride> =>
  Object.fromEntries(
    Object.entries(features ?? {}).map(([k, v]) => [k, toFeatureOverride(v as boolean | FeatureOverride)]),
  );

/** Every problem of the registry part, with its path in the file; nothing is read from the store. */
export function validateRegistrySection(connectors: AnyConnector[], file: ConfigFile): ErrorIssue[] {
  const issues: ErrorIssue[] = [];
  const check = (c: AnyConnector, layers: Array<Record<string, FeatureOverride>>, at: string): void => {
    try {
      resolveFeatureSettings(c.manifest, layers);
    } catch (err) {
      if (!(err instanceof TributaryError)) throw err;
      for (const i of err.issues ?? [{ path: 'features', message: err.message }])
        issues.push({ path: `${at}.${i.path}`, message: i.message });
    }
  };
  for (const [name, declared] of Object.entries(file.connectors ?? {})) {
    const c = known(connectors, name);
    if (!c) {
      const names = connectors.map((x) => x.manifest.name).sort();
      issues.push({ path: `connectors.${name}`, message: `unknown connector; known: ${names.join(', ')}` });
      continue;
    }
    check(c, [asLayer(declared.features)], `connectors.${name}`);
  }
  file.sources.forEach((s, i) => {
    const configs = file.featureConfigs?.[s.id];
    const c = known(connectors, s.type);
    if (!configs || !c) return;
    check(c, [Object.fromEntries(Object.entries(configs).map(([k, config]) => [k, { config }]))], `sources.${i}`);
  });
  return issues;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** What the registry part changes against the store (an empty list when everything matches). */
export async function planRegistryChanges(engine: Engine, file: ConfigFile, plan: Plan): Promise<RegistryChange[]> {
  const reg = engine.connectors.registry;
  const out: RegistryChange[] = [];
  for (const [name, declared] of Object.entries(file.connectors ?? {})) {
    const status = await reg.status(name);
    if (declared.enabled !== undefined && declared.enabled !== status.enabled)
      out.push({ kind: 'enabled', connector: name, enabled: declared.enabled });
    const stored = await reg.features(name);
    for (const [feature, value] of Object.entries(asLayer(declared.features))) {
      const setting: StoredFeatureSetting = {
        ...(value.enabled !== undefined ? { enabled: value.enabled } : {}),
        ...(value.config !== undefined ? { config: value.config } : {}),
      };
      if (!same(stored[feature]?.connector ?? {}, setting))
        out.push({ kind: 'feature', connector: name, feature, setting });
    }
  }
  for (const a of plan.actions) {
    if (a.op === 'remove') continue;
    const configs = file.featureConfigs?.[a.declared.id];
    if (!configs) continue;
    const sourceId = a.op === 'create' ? a.declared.id : a.existing.id;
    const stored =
      a.op === 'create' ? {} : await engine.ports.sources.connectorRegistry?.sourceFeatureConfigs(sourceId);
    for (const [feature, config] of Object.entries(configs))
      if (!same(stored?.[feature], config))
        out.push({ kind: 'source-feature', sourceId, sourceName: a.declared.name, feature, config });
  }
  return out;
}

/** One line per change, for the printed plan. */
export function formatRegistryChange(c: RegistryChange): string {
  if (c.kind === 'enabled') return `~ connector ${c.connector}: ${c.enabled ? 'enable' : 'disable'}`;
  if (c.kind === 'feature') return `~ connector ${c.connector} feature ${c.feature}: ${JSON.stringify(c.setting)}`;
  return `~ ${c.sourceName} feature ${c.feature} config: ${JSON.stringify(c.config)}`;
}

/** Applies the changes (after the sources, so a new source's feature config has its source). */
export async function applyRegistryChanges(engine: Engine, changes: RegistryChange[]): Promise<void> {
  const reg = engine.connectors.registry;
  for (const c of changes) {
    if (c.kind === 'enabled') await reg.setEnabled(c.connector, c.enabled);
    else if (c.kind === 'feature') {
      const write: FeatureWrite = { enabled: c.setting.enabled ?? null, config: c.setting.config ?? null };
      await reg.setFeature(c.connector, c.feature, write);
    } else await reg.setSourceFeature(await engine.sources.get(c.sourceId), c.feature, { config: c.config });
  }
}
