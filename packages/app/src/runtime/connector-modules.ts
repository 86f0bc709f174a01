import { TributaryError, type AnyConnector } from '@tributary/sdk';

/**
 * The modules this process loads its connectors from. One place, so plugins (DESIGN §3) can add theirs later; the
 * sync threads load the same list, which is why connectors travel between threads by module specifier, not by value.
 */
export const CONNECTOR_MODULES: readonly string[] = ['@tributary/connectors'];

/** Which module each loaded connector came from: only those can run in a sync thread. */
const origins = new WeakMap<AnyConnector, string>();

/**
 * Imports connector modules and returns their connectors (a module exports `builtinConnectors`, `connectors` or a
 * default array). @throws TributaryError `invalid_config` when a module exports no connector list
 */
export async function loadConnectors(modules: readonly string[] = CONNECTOR_MODULES): Promise<AnyConnector[]> {
  const out: AnyConnector[] = [];
  for (const specifier of modules) {
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
