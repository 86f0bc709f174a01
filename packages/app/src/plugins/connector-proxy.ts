import {
  TributaryError,
  z,
  type AnyConnector,
  type CheckResult,
  type ConnectorContext,
  type ConnectorState,
  type DiscoveredResource,
  type Page,
  type ReadContext,
} from '@tributary/sdk';
import type { ConnectorDescription } from './descriptor.js';
import type { SandboxContext, SandboxOp, SandboxRequest } from './sandbox/protocol.js';
import { openSandbox, type SandboxLimits, type SandboxSession } from './sandbox/session.js';

/** Where a plugin's code is and who it is (for messages). */
export interface PluginCode {
  label: string;
  entry: string;
  cwd: string;
  connector: string;
}

/** Pages a sandbox reads ahead of the host's commits: one being committed, one ready. */
const READ_WINDOW = 2;

/**
 * The host's view of a plugin's connector: its manifest from the install-time description (config validated by the
 * JSON Schema its zod schema produced, so forms and `sources add` work without the plugin's code), and `check`,
 * `discover` and `read` that each run in a sandbox process. The engine commits the pages `read` yields exactly as
 * for a built-in connector (items, deletions, state and checkpoint in one transaction).
 */
export function pluginConnector(
  code: PluginCode,
  description: ConnectorDescription,
  limits: () => SandboxLimits,
): AnyConnector {
  const {
    configSchema,
    checkpointSchema: _checkpoint,
    configAliases,
    featureConfigSchemas,
    ...data
  } = description.manifest;
  // Feature configs come back as zod schemas too, so the host validates them (API, CLI, config file) as for built-ins.
  const features = Object.fromEntries(
    Object.entries(data.features).map(([name, spec]) => {
      const json = featureConfigSchemas[name];
      return [
        name,
        json ? { ...spec, config: z.fromJSONSchema(json as Parameters<typeof z.fromJSONSchema>[0]) } : spec,
      ];
    }),
  );
  const open = (op: SandboxOp, ctx: ConnectorContext<any>): SandboxSession => {
    const session = openSandbox({ ...code, limits: limits(), op, handlers: hostHandlers(ctx) });
    const onAbort = (): void =>
      session.abort(
        ctx.signal.reason instanceof TributaryError ? ctx.signal.reason : new TributaryError('aborted', 'Cancelled.'),
      );
    if (ctx.signal.aborted) onAbort();
    else ctx.signal.addEventListener('abort', onAbort, { once: true });
    const close = session.close.bind(session);
    session.close = () => {
      ctx.signal.removeEventListener('abort', onAbort);
      close();
    };
    return session;
  };
  const once = async <T>(op: SandboxOp, ctx: ConnectorContext<any>, pick: (e: unknown) => T): Promise<T> => {
    const session = open(op, ctx);
    try {
      return pick(await session.next());
    } finally {
      session.close();
    }
  };
  const connector: AnyConnector = {
    manifest: {
      ...data,
      features,
      config: z.fromJSONSchema(configSchema as Parameters<typeof z.fromJSONSchema>[0]),
      // The plugin validates its checkpoint with its own schema in the sandbox (a misfit starts a clean read there).
      checkpoint: z.record(z.string(), z.unknown()),
      ...(configAliases ? { configAliases } : {}),
    },
    check: (ctx) => once({ op: 'check', ctx: wireCtx(ctx) }, ctx, (e) => (e as { result: CheckResult }).result),
    async *read(ctx: ReadContext<any, any>) {
      const session = open(
        {
          op: 'read',
          ctx: wireCtx(ctx),
          checkpoint: ctx.checkpoint as Record<string, unknown> | undefined,
          mode: ctx.mode,
          since: ctx.since?.toISOString(),
          hints: ctx.hints,
          window: READ_WINDOW,
        },
        ctx,
      );
      try {
        for (;;) {
          const event = await session.next();
          if (event.type !== 'page') return;
          yield event.page as Page;
          session.ack(); // the engine committed it (or stopped): the sandbox may read on
        }
      } finally {
        session.close();
      }
    },
  };
  if (description.has.discover)
    connector.discover = (ctx) =>
      once({ op: 'discover', ctx: wireCtx(ctx) }, ctx, (e) => (e as { resources: DiscoveredResource[] }).resources);
  return connector;
}

function wireCtx(ctx: ConnectorContext<any>): SandboxContext {
  return {
    sourceId: ctx.sourceId,
    config: ctx.config,
    features: ctx.features,
    ...(ctx.featureSettings ? { featureSettings: ctx.featureSettings } : {}),
    metrics: ctx.metrics !== undefined,
  };
}

/** Answers a sandbox's requests and relays its logs, progress and counts into the host's context. */
function hostHandlers(ctx: ConnectorContext<any>): Parameters<typeof openSandbox>[0]['handlers'] {
  const lists = new Map<string, { it: AsyncIterator<[string, unknown]>; last: string | undefined }>();
  const state = (ctx as Partial<ReadContext>).state;
  const needState = (): ConnectorState => {
    if (!state) throw new TributaryError('unsupported', 'Connector state is only available while reading.');
    return state;
  };
  return {
    async request(req: SandboxRequest) {
      switch (req.kind) {
        case 'credential_get':
          return ctx.credentials.get();
        case 'credential_refresh':
          return ctx.credentials.refresh();
        case 'limit_acquire':
          return ctx.rateLimiter.acquire(req.cost, ctx.signal);
        case 'state_get':
          return needState().get(req.key);
        case 'state_get_many':
          return [...(await needState().getMany(req.keys))];
        case 'state_list': {
          // One open iterator per prefix, continued batch by batch (a listing is never held whole in memory).
          let open = lists.get(req.prefix);
          if (!open || open.last !== req.cursor) {
            open = { it: needState().list(req.prefix)[Symbol.asyncIterator](), last: undefined };
            lists.set(req.prefix, open);
            if (req.cursor !== undefined)
              for (;;) {
                const r = await open.it.next();
                if (r.done || r.value[0] === req.cursor) break;
              }
          }
          const batch: Array<[string, unknown]> = [];
          while (batch.length < req.limit) {
            const r = await open.it.next();
            if (r.done) break;
            batch.push(r.value);
          }
          open.last = batch.at(-1)?.[0];
          return batch;
        }
      }
    },
    other(message) {
      switch (message.type) {
        case 'log':
          ctx.logger[message.record.level](message.record.message, message.record.fields);
          break;
        case 'progress':
          (ctx as Partial<ReadContext>).progress?.(message.progress);
          break;
        case 'api_calls':
          ctx.countApiCall(message.n);
          break;
        case 'rate_limit_wait':
          ctx.countRateLimitWait(message.ms);
          break;
        case 'pause_limit':
          ctx.rateLimiter.pauseFor(message.ms);
          break;
        case 'metric':
          if (message.op === 'inc') ctx.metrics?.inc(message.name, message.value);
          else if (message.value !== undefined) ctx.metrics?.set(message.name, message.value);
          break;
        default:
          break;
      }
    },
  };
}
