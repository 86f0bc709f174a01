import { z } from 'zod';
import { unknownConfigKeys } from './config-keys.js';
import { configJsonSchema } from './json-schema.js';
import { TributaryError, zodIssues, formatIssues, type ErrorIssue } from './errors.js';
import type { FeatureSpecSchema } from './manifest.js';

/**
 * Feature flags with config (DESIGN §3, seed §B): a feature is on or off and carries its own validated config.
 * Its state comes from layers, later ones winning: the manifest's default, the connector-wide setting (registry,
 * config file `connectors:` section), then the source's own override. A feature whose `dependsOn` names a feature
 * that is off is off too.
 */

/** A feature as a code manifest declares it: the data part plus an optional zod schema of its config. */
export interface FeatureDefinition extends z.input<typeof FeatureSpecSchema> {
  /** The feature's config; every field needs a default (the schema must accept `{}`). */
  config?: z.ZodType;
}

/** What a connector reads for one feature. */
export interface FeatureSetting<C = Record<string, unknown>> {
  enabled: boolean;
  config: C;
}

/** One layer's say about one feature: either part may be absent (then the layer below decides). */
export interface FeatureOverride {
  enabled?: boolean;
  config?: Record<string, unknown>;
}

/** A layer as users write it: `true`/`false`, or `{ enabled, config }`. */
export const FeatureOverrideSchema = z.union([
  z.boolean(),
  z
    .object({
      enabled: z.boolean().optional(),
      config: z.record(z.string(), z.unknown()).optional(),
    })
    .strict(),
]);
export type FeatureOverrideInput = z.input<typeof FeatureOverrideSchema>;

/** `true` → `{ enabled: true }`; an object as given. */
export function toFeatureOverride(value: FeatureOverrideInput): FeatureOverride {
  return typeof value === 'boolean' ? { enabled: value } : { ...value };
}

type FeatureManifest = { name: string; features?: Record<string, FeatureDefinition> };

const invalid = (message: string, issues: ErrorIssue[]): TributaryError =>
  new TributaryError('invalid_config', message, { issues });

function assertKnownFeature(manifest: FeatureManifest, name: string, path: string): FeatureDefinition {
  const spec = manifest.features?.[name];
  if (spec) return spec;
  const known = Object.keys(manifest.features ?? {});
  throw invalid(
    `Unknown feature "${name}" for ${manifest.name}; known: ${known.length ? known.join(', ') : '(none)'}`,
    [{ path, message: 'unknown feature' }],
  );
}

/**
 * Validates a feature's config (merged layers) against its schema: unknown keys refused with the key meant,
 * defaults applied.
 * @throws TributaryError `invalid_config` naming `features.<name>.config.<key>`
 */
export function parseFeatureConfig(
  manifest: FeatureManifest,
  name: string,
  raw: Record<string, unknown>,
  path = `features.${name}.config`,
): Record<string, unknown> {
  const spec = assertKnownFeature(manifest, name, `features.${name}`);
  if (!spec.config) {
    if (Object.keys(raw).length === 0) return {};
    throw invalid(`Feature "${name}" of ${manifest.name} takes no config.`, [{ path, message: 'no config accepted' }]);
  }
  const unknown = unknownConfigKeys(spec.config, raw);
  if (unknown.length > 0) {
    const issues = unknown.map((u) => ({
      path: `${path}.${u.path}`,
      message: `unknown key${u.suggestion ? ` (did you mean "${u.suggestion}"?)` : ''}; known: ${u.known.join(', ')}`,
    }));
    throw invalid(`Invalid config of feature "${name}" (${manifest.name}): ${formatIssues(issues)}`, issues);
  }
  const parsed = spec.config.safeParse(raw);
  if (!parsed.success) {
    const issues = zodIssues(parsed.error.issues, path);
    throw invalid(`Invalid config of feature "${name}" (${manifest.name}): ${formatIssues(issues)}`, issues);
  }
  return parsed.data as Record<string, unknown>;
}

/**
 * Every feature's state and config from the layers (lowest first: connector-wide, then the source's).
 * @throws TributaryError `invalid_config` for an unknown feature or a config its schema refuses
 */
export function resolveFeatureSettings(
  manifest: FeatureManifest,
  layers: Array<Record<string, FeatureOverride> | undefined>,
): Record<string, FeatureSetting> {
  const own: Record<string, FeatureSetting> = {};
  for (const layer of layers)
    for (const name of Object.keys(layer ?? {})) assertKnownFeature(manifest, name, `features.${name}`);
  for (const [name, spec] of Object.entries(manifest.features ?? {})) {
    let enabled = spec.default;
    let config: Record<string, unknown> = {};
    for (const layer of layers) {
      const o = layer?.[name];
      if (!o) continue;
      if (o.enabled !== undefined) enabled = o.enabled;
      if (o.config) config = { ...config, ...o.config };
    }
    own[name] = { enabled, config: parseFeatureConfig(manifest, name, config) };
  }
  // A feature is on only when everything it depends on is on (transitively; a cycle counts as off).
  const effective = (name: string, seen: Set<string>): boolean => {
    if (seen.has(name)) return false;
    const setting = own[name];
    if (!setting?.enabled) return false;
    const next = new Set(seen).add(name);
    return (manifest.features?.[name]?.dependsOn ?? []).every((d) => effective(d, next));
  };
  const out: Record<string, FeatureSetting> = {};
  for (const [name, setting] of Object.entries(own))
    out[name] = { enabled: effective(name, new Set()), config: setting.config };
  return out;
}

/**
 * Refuses a write that turns a feature on while a feature it depends on stays off (so a user learns why at once,
 * not from a silent no-op at the next run).
 * @throws TributaryError `invalid_config` naming the dependency to enable first
 */
export function assertFeatureDependencies(
  manifest: FeatureManifest,
  settings: Record<string, FeatureSetting>,
  requested: Record<string, FeatureOverride>,
): void {
  for (const [name, o] of Object.entries(requested)) {
    if (o.enabled !== true) continue;
    const missing = (manifest.features?.[name]?.dependsOn ?? []).filter((d) => !settings[d]?.enabled);
    if (missing.length === 0) continue;
    throw invalid(
      `Feature "${name}" of ${manifest.name} depends on ${missing.map((m) => `"${m}"`).join(', ')}, which ` +
        `${missing.length === 1 ? 'is' : 'are'} off; turn ${missing.length === 1 ? 'it' : 'them'} on first.`,
      [{ path: `features.${name}.enabled`, message: `depends on ${missing.join(', ')}` }],
    );
  }
}

/**
 * Checks the feature declarations of a manifest (called by `defineConnector`): dependencies name known features,
 * and every config schema accepts `{}` (so a feature can be turned on without config).
 * @throws TributaryError `invalid_config`
 */
export function assertFeatureDefinitions(manifest: FeatureManifest): void {
  const names = Object.keys(manifest.features ?? {});
  for (const [name, spec] of Object.entries(manifest.features ?? {})) {
    for (const d of spec.dependsOn ?? []) {
      if (d === name || !names.includes(d))
        throw invalid(`Connector "${manifest.name}": feature "${name}" depends on unknown feature "${d}".`, [
          { path: `manifest.features.${name}.dependsOn`, message: `unknown feature ${d}` },
        ]);
    }
    if (spec.config === undefined) continue;
    if (!(spec.config instanceof z.ZodType))
      throw invalid(`Connector "${manifest.name}": feature "${name}" config must be a zod schema.`, [
        { path: `manifest.features.${name}.config`, message: 'not a zod schema' },
      ]);
    if (!spec.config.safeParse({}).success)
      throw invalid(`Connector "${manifest.name}": feature "${name}" config needs a default for every field.`, [
        { path: `manifest.features.${name}.config`, message: 'does not accept {}' },
      ]);
  }
}

/**
 * One feature as a connector reads it, config typed by the schema it declared. Falls back to the manifest default
 * (`ctx.features`) and the schema's defaults where a host passes no `featureSettings`.
 * @example
 * const prs = featureOf(ctx, 'pullRequests', PullRequestsFeature);
 * if (prs.enabled && prs.config.includeReviews) …
 */
export function featureOf<S extends z.ZodType>(
  ctx: { features: Record<string, boolean>; featureSettings?: Record<string, FeatureSetting> },
  name: string,
  schema: S,
): FeatureSetting<z.output<S>> {
  const given = ctx.featureSettings?.[name];
  return {
    enabled: given?.enabled ?? ctx.features[name] === true,
    config: schema.parse(given?.config ?? {}),
  };
}

/** The JSON Schema of each feature's config (for forms and the API), `null` for features without config. */
export function featureConfigJsonSchemas(manifest: FeatureManifest): Record<string, Record<string, unknown> | null> {
  const out: Record<string, Record<string, unknown> | null> = {};
  for (const [name, spec] of Object.entries(manifest.features ?? {}))
    out[name] = spec.config ? configJsonSchema(spec.config) : null;
  return out;
}
