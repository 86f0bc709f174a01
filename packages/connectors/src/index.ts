import type { AnyConnector } from '@tributary/sdk';

/**
 * Built-in connectors. Each lives in its own folder (index.ts, config.ts, client.ts, map.ts, tests) and depends
 * only on @tributary/sdk. Add one line per connector below, sorted by name.
 */
export const builtinConnectors: AnyConnector[] = [];
