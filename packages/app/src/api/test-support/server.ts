import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createEngine,
  createOAuthFlow,
  createSqliteQueue,
  createSqliteStore,
  createVault,
  generateKey,
  keyringFromKey,
  LOCAL_USER_ID,
  protectedPathsOf,
  type EngineWithStore,
  type EngineOptions,
  type JobQueue,
  type OAuthClients,
  type OAuthFlow,
  type Vault,
} from '@tributary/engine';
import { builtinConnectors } from '@tributary/connectors';
import type { AnyConnector } from '@tributary/sdk';
import { issueToken } from '../../auth/tokens.js';
import type { ApiLimits } from '../context.js';
import { createMetrics, type Metrics } from '../metrics.js';
import { startServer } from '../server.js';

/** The repository root, found from this file. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../..');

export interface TestServer {
  url: string;
  /** The whole store too: tests assert what it holds. */
  engine: EngineWithStore;
  metrics: Metrics;
  /** The SQLite job queue the API lists dead letters from. */
  queue: JobQueue;
  dir: string;
  /** An admin token of the local user. */
  adminToken: string;
  /** With `oauth`: the vault (keyed by a fresh random key) and the flow the API uses. */
  vault?: Vault;
  flow?: OAuthFlow;
  close(): Promise<void>;
}

/** A real server on port 0 over a real SQLite engine in a temp dir. */
export async function startTestServer(
  options: {
    limits?: Partial<ApiLimits>;
    connectors?: AnyConnector[];
    oauth?: OAuthClients;
    /** The data dir (protected like the runtime's). @default a new temp dir, removed on close */
    dir?: string;
    /** Extra engine options (budgets, a disk probe …). */
    engine?: Partial<EngineOptions>;
    /** The job queue behind /jobs/dead… (closed with the server). @default the jobs table in the same SQLite file */
    queue?: JobQueue;
  } = {},
): Promise<TestServer> {
  const dir = options.dir ?? mkdtempSync(path.join(os.tmpdir(), 'tributary-api-'));
  const store = createSqliteStore({ path: path.join(dir, 'tributary.db') });
  await store.migrate();
  const metrics = createMetrics({ defaultMetrics: false });
  const vault = options.oauth
    ? createVault({ store, keyring: keyringFromKey(generateKey()), oauth: options.oauth })
    : undefined;
  const engine = createEngine({
    store,
    connectors: options.connectors ?? builtinConnectors,
    onEvent: metrics.onEvent,
    // As the runtime does: no source reads the data dir.
    protectedPaths: protectedPathsOf(dir),
    ...options.engine,
    ...(vault
      ? {
          credentials: (source, connector) => vault.credentialAccess(source.id, connector.manifest.auth),
          storeCredential: (sourceId, credential) => vault.put(sourceId, credential),
          configSecrets: vault.configSecrets,
        }
      : {}),
  });
  const flow = vault && options.oauth ? createOAuthFlow({ store, vault, clients: options.oauth }) : undefined;
  const { token } = await issueToken(store, { userId: LOCAL_USER_ID, name: 'test-admin' });
  // The runtime's embedded queue: the jobs table in the same SQLite file (dead letters, their gauge).
  const queue = options.queue ?? createSqliteQueue({ db: store.db });
  const server = await startServer({
    engine,
    queue,
    port: 0,
    metrics,
    limits: { rateLimit: false, ...options.limits },
    ...(flow ? { oauth: flow } : {}),
  });
  return {
    url: server.url,
    engine,
    metrics,
    dir,
    adminToken: token,
    queue,
    ...(vault && flow ? { vault, flow } : {}),
    async close() {
      await server.close();
      await queue.close();
      await engine.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface CallOptions {
  params?: Record<string, string>;
  query?: Record<string, string | number>;
  /** JSON-encoded unless `raw` is given. */
  body?: unknown;
  raw?: string;
  token?: string | null;
  headers?: Record<string, string>;
}

export interface CallResult {
  status: number;
  headers: Headers;
  /** Parsed JSON when the response is JSON, else the text. */
  body: any;
}

/**
 * A fetch client that records which documented operations ("GET /api/v1/sources/{id}") the tests exercised.
 * Paths are templates as in the OpenAPI document, relative to /api/v1.
 */
export function createClient(baseUrl: string, defaultToken: string, covered?: Set<string>) {
  return async function call(method: string, template: string, o: CallOptions = {}): Promise<CallResult> {
    const p = template.replace(/\{(\w+)\}/g, (_m, k: string) => encodeURIComponent(o.params?.[k] ?? `missing-${k}`));
    const qs = o.query ? `?${new URLSearchParams(Object.entries(o.query).map(([k, v]) => [k, String(v)]))}` : '';
    const headers: Record<string, string> = { ...o.headers };
    const token = o.token === undefined ? defaultToken : o.token;
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (o.raw !== undefined) body = o.raw;
    else if (o.body !== undefined) body = JSON.stringify(o.body);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    covered?.add(`${method.toUpperCase()} /api/v1${template}`);
    const res = await fetch(`${baseUrl}/api/v1${p}${qs}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    const isJson = (res.headers.get('content-type') ?? '').includes('json');
    return { status: res.status, headers: res.headers, body: isJson && text ? JSON.parse(text) : text };
  };
}

export type Client = ReturnType<typeof createClient>;

/** `count` items in the seed's IngestRequest shape, ids `prefix-<n>`. */
export function makeItems(prefix: string, from: number, count: number, word = 'flamingo') {
  return Array.from({ length: count }, (_, i) => {
    const n = from + i;
    return {
      external_id: `${prefix}-${n}`,
      content: `Message ${n} about the ${word} project, part ${n % 17}.`,
      metadata: {
        source_type: 'slack',
        timestamp: new Date(Date.UTC(2024, 0, 1) + n * 60_000).toISOString(),
        author: `user${n % 5}`,
        channel: `#chan${n % 3}`,
        thread_id: `t${Math.floor(n / 10)}`,
        title: `Message ${n}`,
        url: `https://chat.example.com/m/${n}`,
        tags: ['export'],
        reactions: n % 4,
      },
    };
  });
}
