import { TributaryError, type AnyConnector } from '@tributary/sdk';

/**
 * Stands for the plugins installed in the data dir (`<dataDir>/plugins`, see plugins/load.ts) in a module list: they
 * load only when {@link loadConnectors} is given a data dir, after the built-in connectors (whose names they may
 * not take).
 */
export const PLUGINS_MODULE = 'tributary:plugins';

/**
 * The modules this process loads its connectors from. One place: the sync threads load the same list, which is why
 * connectors travel between threads by module specifier, not by value.
 */
export const CONNECTOR_MODULES: readonly string[] = ['@tributary/connectors', PLUGINS_MODULE];

export interface LoadConnectorsOptions {
  /** The data dir whose plugins load (none without it). */
  dataDir?: string;
  /** The environment (sandbox limits of plugins). @default process.env */
  env?: Record<string, string | undefined>;
  /** Told about each plugin that was refused (SDK or Node range, name clash, invalid manifest), in words. */
  onRefused?: (message: string) => void;
}

/** Which module each loaded connector came from: only those can run in a sync thread. */
const origins = new WeakMap<AnyConnector, string>();

/**
 * Imports connector modules and returns their connectors (a module exports `builtinConnectors`, `connectors` or a
 * default array). @throws TributaryError `invalid_config` when a module exports no connector list
 */
export async function loadConnectors(
  modules: readonly string[] = CONNECTOR_MODULES,
  options: LoadConnectorsOptions = {},
): Promise<AnyConnector[]> {
  const out: AnyConnector[] = [];
  for (const specifier of modules) {
    if (specifier === PLUGINS_MODULE) {
      if (options.dataDir === undefined) continue;
      // Read without importing any plugin code: a broken plugin is refused or fails its own runs, never this load.
      const { scanPlugins, refusalLine } = await import('../plugins/load.js');
      const scan = scanPlugins(options.dataDir, { builtinNames: out.map((c) => c.manifest.name), env: options.env });
      for (const r of scan.refused) options.onRefused?.(refusalLine(r));
      for (const p of scan.loaded) {
        origins.set(p.connector, PLUGINS_MODULE);
        out.push(p.connector);
      }
      continue;
    }
    const mod = (await import(specifier)) as Record<string, unknown>;
    const list = mod.builtinConnectors ?? mod.connectors ?? mod.default;
    if (!Array.isArray(list))
      throw new TributaryError(
        'invalid_config',
        `Connector module "${specifier}" exports no connector list (builtinConnectors, connectors or default).`,
      );
    for (const c of list as AnyConnector[]) {
      origins.set(c, specifier);
      out.push(c);
    }
  }
  return out;
}

/** The module a connector was loaded from by {@link loadConnectors}; undefined for one built in memory (a test's). */
export function connectorModuleOf(connector: AnyConnector): string | undefined {
  return origins.get(connector);
}
