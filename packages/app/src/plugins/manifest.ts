import { readFileSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { ConnectorNameSchema, SDK_VERSION, z } from '@tributary/sdk';

/**
 * The part of a plugin the host reads BEFORE it loads any of the plugin's code: the `tributary` field of the
 * plugin's `package.json` (plus the standard `engines.node`). Decision (docs/plugins.md): package.json rather than a
 * separate manifest file, because npm already validates, packs and versions that file, and `npm view` shows it.
 * Everything else about the connector (title, config schema, features …) lives in its code (`defineConnector`).
 */
export const PluginFieldSchema = z
  .object({
    /** The connector's name (kebab-case, stable forever); must equal the `manifest.name` its code declares. */
    connector: ConnectorNameSchema,
    /** The `@tributary/sdk` versions the plugin works with (a semver range, e.g. `^1.0.0`). */
    sdk: z.string().refine((v) => semver.validRange(v) !== null, 'must be a semver range like ^1.0.0'),
    /** The module that exports the connector, relative to the package root. @default package.json `main`, else index.js */
    entry: z.string().min(1).optional(),
  })
  .strict();
export type PluginField = z.infer<typeof PluginFieldSchema>;

export const PluginPackageSchema = z.object({
  name: z.string().min(1),
  version: z.string().refine((v) => semver.valid(v) !== null, 'must be a semver version like 1.2.0'),
  main: z.string().optional(),
  engines: z.object({ node: z.string().optional() }).partial().optional(),
  peerDependencies: z.record(z.string(), z.string()).optional(),
  tributary: PluginFieldSchema,
});
export type PluginPackage = z.infer<typeof PluginPackageSchema>;

/** Why a plugin is not loaded: a stable reason code and a message that names versions and what to do. */
export interface Refusal {
  reason: 'invalid_manifest' | 'sdk_incompatible' | 'node_incompatible' | 'name_clash' | 'load_failed';
  message: string;
}

/** Reads and validates a plugin's package.json. Returns the package, or a refusal saying which field is wrong. */
export function readPluginPackage(packageDir: string): { pkg: PluginPackage } | { refusal: Refusal } {
  const file = path.join(packageDir, 'package.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    return refuse('invalid_manifest', `cannot read ${file}: ${(err as Error).message}`);
  }
  const parsed = PluginPackageSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${['package.json', ...i.path].join('.')}: ${i.message}`);
    return refuse(
      'invalid_manifest',
      `its manifest is invalid (${issues.join('; ')}). A plugin declares { "tributary": { "connector": "<name>", "sdk": "^${semver.major(SDK_VERSION)}.0.0" } } in package.json; see docs/plugins.md.`,
    );
  }
  return { pkg: parsed.data };
}

/**
 * The checks that need no code: the SDK range includes this host's SDK, and the Node version meets `engines.node`.
 * @returns a refusal naming both versions and what to do, or null when the plugin may load
 */
export function compatibilityRefusal(
  pkg: PluginPackage,
  host: { sdk: string; node: string } = { sdk: SDK_VERSION, node: process.versions.node },
): Refusal | null {
  const { sdk } = pkg.tributary;
  if (!semver.satisfies(host.sdk, sdk))
    return {
      reason: 'sdk_incompatible',
      message:
        `${pkg.name}@${pkg.version} needs @tributary/sdk ${sdk}, but this Tributary provides @tributary/sdk ${host.sdk}. ` +
        `Install a version of the plugin built for SDK ${semver.major(host.sdk)}.x ` +
        `(tributary connectors install ${pkg.name}@<version>), or a Tributary whose SDK satisfies ${sdk}.`,
    };
  const node = pkg.engines?.node;
  if (node && semver.validRange(node) && !semver.satisfies(host.node, node))
    return {
      reason: 'node_incompatible',
      message: `${pkg.name}@${pkg.version} needs Node ${node}, but this host runs Node ${host.node}. Run Tributary on a Node version in that range, or install a plugin version that supports Node ${host.node}.`,
    };
  return null;
}

function refuse(reason: Refusal['reason'], message: string): { refusal: Refusal } {
  return { refusal: { reason, message } };
}
