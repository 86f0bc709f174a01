import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import {
  createHttpClient,
  createLogger,
  systemClock,
  toTributaryError,
  TributaryError,
  type AnyConnector,
  type ConnectorContext,
  type ConnectorState,
  type Credential,
  type ReadContext,
} from '@tributary/sdk';
import { fromWireError, toWireError } from '../../runtime/sync-threads/protocol.js';
import { describeConnector } from '../descriptor.js';
import type { FromSandbox, SandboxContext, SandboxRequest, ToSandbox } from './protocol.js';

/**
 * A plugin's sandbox process: loads the plugin's module, runs ONE operation on its connector and reports by IPC.
 * The host owns everything else (store, vault, rate limits, state): this side only asks for them by message.
 */
const send = (message: FromSandbox): void => {
  if (process.connected) process.send!(message);
};

// The watchdog's pulse: a stuck event loop (an infinite loop in the plugin) stops it; so does a runaway heap's GC.
const pulse = setInterval(() => send({ type: 'alive', rssBytes: process.memoryUsage.rss() }), 1000);
send({ type: 'alive', rssBytes: process.memoryUsage.rss() });

let nextRequest = 0;
const replies = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
function ask<T>(request: SandboxRequest): Promise<T> {
  const id = ++nextRequest;
  return new Promise<T>((resolve, reject) => {
    replies.set(id, { resolve: resolve as (v: unknown) => void, reject });
    send({ type: 'request', id, ...request });
  });
}

const controller = new AbortController();
let acks = 0;
let ackWaiter: (() => void) | null = null;

process.on('message', (message: ToSandbox) => {
  switch (message.type) {
    case 'start':
      void run(message).then(
        () => finish(),
        (err: unknown) => {
          send({ type: 'failed', error: toWireError(toTributaryError(err)) });
          finish();
        },
      );
      break;
    case 'ack':
      acks++;
      ackWaiter?.();
      break;
    case 'abort':
      controller.abort(fromWireError(message.reason));
      ackWaiter?.();
      break;
    case 'reply': {
      const pending = replies.get(message.id);
      replies.delete(message.id);
      if (message.error) pending?.reject(fromWireError(message.error));
      else pending?.resolve(message.value);
      break;
    }
  }
});
// The host going away ends the sandbox too: at once when this event loop is free ('disconnect'), and from a guard
// thread when it is not (a plugin stuck in a loop never sees the event): the guard polls the parent process.
process.on('disconnect', () => process.exit(0));
// The host's pid comes as the argument (session.ts): read from process.ppid here, a host that died while this process
// was starting (loading its modules takes a second under tsx) was already replaced by init, and the guard then
// watched init forever — an orphan left asleep, waiting for an operation that never comes.
const parent = Number(process.argv[2]) || process.ppid;
if (process.ppid !== parent) process.exit(0);
new Worker(
  `const { workerData } = require('node:worker_threads');
  setInterval(() => {
    let gone = process.ppid !== workerData.parent;
    try { process.kill(workerData.parent, 0); } catch { gone = true; }
    if (gone) process.kill(process.pid, 'SIGKILL');
  }, 1000);`,
  { eval: true, workerData: { parent } },
).unref();

/**
 * The operation is over: stop the pulse and wait for the host to end this process (disconnecting here could drop
 * the last messages still queued on the channel; the host kills the sandbox once it has the outcome).
 */
function finish(): void {
  clearInterval(pulse);
}

async function loadConnector(entry: string, name: string): Promise<AnyConnector> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(entry).href)) as Record<string, unknown>;
  } catch (err) {
    throw new TributaryError('internal', `its module failed to load: ${(err as Error)?.message ?? String(err)}`, {
      cause: err,
    });
  }
  const candidates = [mod.default, mod.connector, ...(Array.isArray(mod.connectors) ? mod.connectors : [])];
  const found = candidates.find(
    (c): c is AnyConnector =>
      typeof c === 'object' && c !== null && (c as AnyConnector).manifest?.name === name && 'read' in c,
  );
  if (found) return found;
  const names = candidates.map((c) => (c as AnyConnector | undefined)?.manifest?.name).filter(Boolean);
  throw new TributaryError(
    'incompatible_connector',
    `The plugin's module exports no connector named "${name}" (package.json tributary.connector); it exports ${names.length ? names.join(', ') : 'none'} (a default export, \`connector\` or \`connectors\`).`,
  );
}

function baseContext(connector: AnyConnector, given: SandboxContext): ConnectorContext<any> {
  const logger = createLogger((record) => send({ type: 'log', record }), { level: 'debug' });
  const rateLimiter = {
    acquire: (cost = 1) => ask<number>({ kind: 'limit_acquire', cost }),
    pauseFor: (ms: number) => send({ type: 'pause_limit', ms }),
  };
  const countApiCall = (n = 1): void => send({ type: 'api_calls', n });
  const countRateLimitWait = (ms: number): void => send({ type: 'rate_limit_wait', ms });
  return {
    sourceId: given.sourceId,
    // Validated by the host against the schema's JSON Schema; parsed again here for the connector's own defaults.
    config: connector.manifest.config.parse(given.config),
    features: given.features,
    ...(given.featureSettings ? { featureSettings: given.featureSettings } : {}),
    ...(given.metrics
      ? {
          metrics: {
            inc: (name: string, by?: number) => send({ type: 'metric', op: 'inc', name, value: by }),
            set: (name: string, value: number) => send({ type: 'metric', op: 'set', name, value }),
          },
        }
      : {}),
    credentials: {
      get: () => ask<Credential | undefined>({ kind: 'credential_get' }),
      refresh: () => ask<Credential | undefined>({ kind: 'credential_refresh' }),
    },
    http: createHttpClient({
      rateLimiter,
      logger,
      signal: controller.signal,
      onRequest: () => countApiCall(),
      onRateLimitWait: countRateLimitWait,
    }),
    rateLimiter,
    logger,
    signal: controller.signal,
    clock: systemClock,
    countApiCall,
    countRateLimitWait,
  };
}

const state: ConnectorState = {
  get: (key) => ask({ kind: 'state_get', key }),
  getMany: async (keys) => new Map(await ask<Array<[string, unknown]>>({ kind: 'state_get_many', keys })),
  async *list(prefix = '') {
    let cursor: string | undefined;
    for (;;) {
      const batch = await ask<Array<[string, unknown]>>({ kind: 'state_list', prefix, cursor, limit: 500 });
      yield* batch;
      if (batch.length < 500) return;
      cursor = batch[batch.length - 1]![0];
    }
  },
};

async function run(start: Extract<ToSandbox, { type: 'start' }>): Promise<void> {
  const connector = await loadConnector(start.entry, start.connector);
  if (start.op === 'describe') return send({ type: 'described', descriptor: describeConnector(connector) });
  const ctx = baseContext(connector, start.ctx);
  if (start.op === 'check') return send({ type: 'checked', result: await connector.check(ctx) });
  if (start.op === 'discover') return send({ type: 'discovered', resources: (await connector.discover?.(ctx)) ?? [] });
  // A checkpoint the plugin's own schema refuses starts a clean read, as the engine does for built-in connectors.
  const parsed = connector.manifest.checkpoint.safeParse(start.checkpoint);
  const readCtx: ReadContext<any, any> = {
    ...ctx,
    checkpoint: start.checkpoint === undefined || !parsed.success ? undefined : parsed.data,
    state,
    mode: start.mode,
    since: start.since ? new Date(start.since) : undefined,
    hints: start.hints,
    progress: (progress) => send({ type: 'progress', progress }),
  };
  let sent = 0;
  for await (const page of connector.read(readCtx)) {
    if (controller.signal.aborted) break;
    send({ type: 'page', page });
    sent++;
    while (sent - acks >= start.window && !controller.signal.aborted)
      await new Promise<void>((resolve) => (ackWaiter = resolve));
    ackWaiter = null;
  }
  send({ type: 'done' });
}
