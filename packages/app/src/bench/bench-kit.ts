import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  createHttpClient,
  createMemoryState,
  createTokenBucket,
  parseConfig,
  resolveFeatures,
  silentLogger,
  systemClock,
  unlimited,
  type AnyConnector,
  type Checkpoint,
  type Credential,
  type MemoryConnectorState,
  type RateLimitSpec,
  type ReadContext,
  type SyncMode,
} from '@tributary/sdk';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/**
 * Loads a TypeScript module of the test tree (a twin, a fixture builder) by its path from the repository root. The
 * twins never ship in the product, so the bench reaches them through tsx, from source or dist alike.
 */
export async function loadTestModule(rel: string): Promise<any> {
  const { tsImport } = (await import('tsx/esm/api')) as {
    tsImport: (specifier: string, parent: string) => Promise<unknown>;
  };
  return tsImport(pathToFileURL(path.join(repoRoot, rel)).href, import.meta.url);
}

/** Options of {@link benchReadContext}. */
export interface BenchContextOptions {
  credential: Credential | undefined;
  /** Told every API call the connector counts (`ctx.countApiCall`), and each HTTP request when `countRequests`. */
  onCall: (n: number) => void;
  /** Also count at the SDK HTTP client: each request as a call, each of its rate-limit waits as a wait. */
  countRequests?: boolean;
  /** A token bucket in front of the HTTP client; absent: none (the twin's speed is what is measured). */
  limit?: RateLimitSpec | undefined;
  /** Told every rate-limit wait (ms), the connector's and the HTTP client's. */
  onWait?: (ms: number) => void;
  /** Feature overrides, as a source's settings. */
  features?: Record<string, boolean>;
  checkpoint?: Checkpoint | undefined;
  state?: MemoryConnectorState;
  /** @default 'incremental' with a checkpoint, else 'backfill' */
  mode?: SyncMode;
}

/** A read context as the engine builds one, without the SDK test kit (which needs vitest). */
export function benchReadContext(
  connector: AnyConnector,
  config: unknown,
  opts: BenchContextOptions,
): ReadContext<any, any> {
  const { credential, onCall, onWait } = opts;
  const rateLimiter = opts.limit ? createTokenBucket(opts.limit) : unlimited;
  return {
    sourceId: `bench-${connector.manifest.name}`,
    config: parseConfig(connector, config),
    features: resolveFeatures(connector.manifest, opts.features ?? {}),
    credentials: { get: async () => credential, refresh: async () => credential },
    http: createHttpClient({
      rateLimiter,
      ...(opts.countRequests ? { onRequest: () => onCall(1), onRateLimitWait: (ms: number) => onWait?.(ms) } : {}),
    }),
    rateLimiter,
    logger: silentLogger,
    signal: new AbortController().signal,
    clock: systemClock,
    countApiCall: (n = 1) => onCall(n),
    countRateLimitWait: (ms) => onWait?.(ms),
    checkpoint: opts.checkpoint,
    state: opts.state ?? createMemoryState(),
    mode: opts.mode ?? (opts.checkpoint === undefined ? 'backfill' : 'incremental'),
    since: undefined,
    hints: {},
    progress: () => undefined,
  } as ReadContext<any, any>;
}

/** Reads to the end, committing each page's connector state like the engine; the number of items. */
export async function drainItems(connector: AnyConnector, ctx: ReadContext<any, any>): Promise<number> {
  let items = 0;
  for await (const page of connector.read(ctx)) {
    items += page.items?.length ?? 0;
    (ctx.state as MemoryConnectorState).apply(page.state);
  }
  return items;
}
