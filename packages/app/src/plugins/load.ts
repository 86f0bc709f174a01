import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { AnyConnector } from '@tributary/sdk';
import { pluginConnector } from './connector-proxy.js';
import { DESCRIPTOR_FILE, PluginDescriptorSchema, type PluginDescriptor } from './descriptor.js';
import { entryOf, linkHostSdk, packageDir, packageHash, pluginsDir } from './layout.js';
import { compatibilityRefusal, readPluginPackage, type PluginPackage, type Refusal } from './manifest.js';
import { sandboxLimitsFromEnv, type SandboxLimits } from './sandbox/session.js';

/** A plugin the host could load (its connector runs in a sandbox). */
export interface LoadedPlugin {
  dir: string;
  pkg: PluginPackage;
  descriptor: PluginDescriptor;
  connector: AnyConnector;
}

/** A plugin the host did not load, and why (its message names versions and what to do). */
export interface RefusedPlugin extends Refusal {
  /** The plugin folder's name (the connector name it was installed as). */
  name: string;
  package?: string;
  version?: string;
}

export interface PluginScan {
  loaded: LoadedPlugin[];
  refused: RefusedPlugin[];
}

/**
 * Reads every plugin under `<dataDir>/plugins` WITHOUT loading its code: package.json (`tributary` field, `engines`),
 * the install record, the SDK range, the Node range and name clashes with built-in connectors or another plugin.
 * Each plugin that passes becomes a sandboxed connector; each one that does not is refused with a message, and the
 * rest still load.
 */
export function scanPlugins(
  dataDir: string,
  options: { builtinNames?: Iterable<string>; env?: Record<string, string | undefined> } = {},
): PluginScan {
  const root = pluginsDir(dataDir);
  const out: PluginScan = { loaded: [], refused: [] };
  if (!existsSync(root)) return out;
  const taken = new Set(options.builtinNames ?? []);
  const env = options.env ?? process.env;
  let limits: SandboxLimits | undefined;
  // Read when a sandbox starts: a bad value fails that run with its message, not the host's start.
  const limitsOf = (): SandboxLimits => (limits ??= sandboxLimitsFromEnv(env));
  const names = readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
    .map((d) => d.name)
    .sort();
  for (const name of names) {
    const result = inspect(path.join(root, name), name, taken);
    if ('refusal' in result) {
      out.refused.push({ name, ...result.meta, ...result.refusal });
      continue;
    }
    const { dir, pkg, descriptor, entry } = result;
    taken.add(name);
    const connector = pluginConnector(
      { label: `${pkg.name}@${pkg.version} (connector "${name}")`, entry, cwd: path.dirname(entry), connector: name },
      descriptor.connector,
      limitsOf,
    );
    out.loaded.push({ dir, pkg, descriptor, connector });
  }
  return out;
}

type Inspection =
  | { dir: string; pkg: PluginPackage; descriptor: PluginDescriptor; entry: string }
  | { refusal: Refusal; meta: { package?: string; version?: string } };

function inspect(dir: string, name: string, taken: Set<string>): Inspection {
  const descriptor = readDescriptor(dir);
  if (!descriptor)
    return {
      refusal: {
        reason: 'invalid_manifest',
        message: `its install record ${DESCRIPTOR_FILE} is missing or invalid (an interrupted install?). Install it again: tributary connectors install <package>.`,
      },
      meta: {},
    };
  const pkgDir = packageDir(dir, descriptor.package);
  const meta = { package: descriptor.package, version: descriptor.version };
  const read = readPluginPackage(pkgDir);
  if ('refusal' in read) return { refusal: read.refusal, meta };
  const { pkg } = read;
  const incompatible = compatibilityRefusal(pkg);
  if (incompatible) return { refusal: incompatible, meta };
  if (pkg.tributary.connector !== name || descriptor.connector.manifest.name !== name)
    return {
      refusal: {
        reason: 'invalid_manifest',
        message: `it is installed as "${name}" but declares connector "${pkg.tributary.connector}". Remove it (tributary connectors remove ${name}) and install it again.`,
      },
      meta,
    };
  if (taken.has(name))
    return {
      refusal: {
        reason: 'name_clash',
        message: `its connector name "${name}" is already taken by a built-in connector. Remove it (tributary connectors remove ${name}); a plugin needs a name of its own.`,
      },
      meta,
    };
  if (packageHash(pkgDir) !== descriptor.packageHash)
    return {
      refusal: {
        reason: 'invalid_manifest',
        message: `its package.json changed after it was installed. Run tributary connectors upgrade ${name} to describe it again.`,
      },
      meta,
    };
  try {
    const entry = entryOf(pkgDir, pkg);
    linkHostSdk(dir);
    return { dir, pkg, descriptor, entry };
  } catch (err) {
    return { refusal: { reason: 'load_failed', message: (err as Error).message }, meta };
  }
}

export function readDescriptor(dir: string): PluginDescriptor | null {
  try {
    const parsed = PluginDescriptorSchema.safeParse(JSON.parse(readFileSync(path.join(dir, DESCRIPTOR_FILE), 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** One line per refused plugin, for start-up output and logs. */
export function refusalLine(r: RefusedPlugin): string {
  return `Plugin "${r.name}"${r.package ? ` (${r.package}${r.version ? `@${r.version}` : ''})` : ''} was not loaded: ${r.message}`;
}
