import type { z } from 'zod';
import { checkManifest, type AnyConnector, type ConnectorDefinition, type Manifest } from './connector.js';
import { TributaryError } from './errors.js';
import type { Checkpoint } from './item.js';

/*
 * A connector whose code loads on first use. Its manifest (name, config and checkpoint schemas, features) is there
 * at once: enough to list connectors, validate and mask a source's config, and plan a run. Its code — the read
 * path and the parsing and client libraries behind it — is imported when check/read/discover/watch/webhook is first
 * called. A registry of 25 connectors then costs its manifests at start-up, not every parser (CLI start, DESIGN §4).
 */

/** The optional methods a connector has; a lazy connector must declare them (the host tests their presence). */
export type OptionalConnectorMethod = 'discover' | 'watch' | 'webhook' | 'pushRenewAt' | 'onRemove';

const LOAD = Symbol.for('tributary.lazyConnector.load');

/**
 * @param manifest the connector's manifest, from a module that does not import its code (`<name>/manifest.ts`)
 * @param load imports the full connector (`() => import('./git/index.js').then((m) => m.gitConnector)`)
 * @param optional the optional methods the full connector has (a registry test checks they match)
 */
export function lazyConnector<Config extends z.ZodType, K extends z.ZodType<Checkpoint>>(
  manifest: Manifest<Config, K>,
  load: () => Promise<ConnectorDefinition<Config, K>>,
  optional: readonly OptionalConnectorMethod[] = [],
): ConnectorDefinition<Config, K> {
  const checked = checkManifest(manifest);
  let loading: Promise<ConnectorDefinition<Config, K>> | undefined;
  const real = (): Promise<ConnectorDefinition<Config, K>> =>
    (loading ??= load().then(
      (c) => {
        if (c?.manifest?.name !== checked.name)
          throw new TributaryError(
            'internal',
            `Connector "${checked.name}" loaded a module whose connector is "${c?.manifest?.name}".`,
          );
        return c;
      },
      (err: unknown) => {
        loading = undefined; // a failed import may succeed later (a file being replaced); do not cache it
        throw err;
      },
    ));
  const method = <M extends OptionalConnectorMethod>(name: M) =>
    (async (...args: unknown[]) => {
      const c = await real();
      const fn = c[name] as ((...a: unknown[]) => Promise<unknown>) | undefined;
      if (!fn)
        throw new TributaryError('internal', `Connector "${checked.name}" declares ${name}() but does not have it.`);
      return fn.apply(c, args);
    }) as NonNullable<ConnectorDefinition<Config, K>[M]>;

  const connector: ConnectorDefinition<Config, K> = {
    manifest: checked,
    async check(ctx) {
      const c = await real();
      return c.check(ctx);
    },
    async *read(ctx) {
      const c = await real();
      yield* c.read(ctx);
    },
  };
  for (const name of optional) (connector as unknown as Record<string, unknown>)[name] = method(name);
  Object.defineProperty(connector, LOAD, { value: real, enumerable: false });
  return connector;
}

/** The full connector behind a lazy one (loading it), or the connector itself. */
export async function resolveConnector(connector: AnyConnector): Promise<AnyConnector> {
  const load = (connector as unknown as Record<symbol, (() => Promise<AnyConnector>) | undefined>)[LOAD];
  return load ? load() : connector;
}

/** Whether a connector's code is loaded on first use. */
export function isLazyConnector(connector: AnyConnector): boolean {
  return LOAD in connector;
}
