import {
  parseCheckpoint,
  parseConfig,
  systemClock,
  type AnyConnector,
  type Checkpoint,
  type Clock,
  type ConnectorContext,
  type ConnectorState,
  type Logger,
} from '@tributary/sdk';
import type { MemoryStore, SourceRecord } from '../store/types.js';
import type { EngineWithStore } from './types.js';
import { createRunState } from './state-view.js';

/** How long a removal hook may take before the source is removed anyway (a hung upstream must not block it). */
export const REMOVE_HOOK_TIMEOUT_MS = 10_000;

/**
 * The committed checkpoint and a read view of the connector state. A checkpoint that no longer parses means the
 * next run starts clean, so its state is treated as empty too (the same rule as a run's, see state-view.ts).
 */
async function committed(
  store: Pick<MemoryStore, 'getCheckpoint' | 'getConnectorState' | 'listConnectorState'>,
  c: AnyConnector,
  sourceId: string,
): Promise<{ checkpoint: Checkpoint | undefined; state: ConnectorState }> {
  const { checkpoint } = parseCheckpoint(c, await store.getCheckpoint(sourceId));
  return { checkpoint, state: createRunState(store as MemoryStore, sourceId, checkpoint === undefined).view };
}

/**
 * The scheduler's view of push renewal (`SchedulerSourcePort.pushRenewalAt`): when a source's push channels need
 * a sync to renew them, from its connector's `pushRenewAt` hook over the committed checkpoint and state; null when
 * the connector has no hook, the source has no open channel, or its config no longer validates (its runs fail with
 * that error anyway).
 */
export function pushRenewalPort(
  engine: Pick<EngineWithStore, 'store' | 'connectors' | 'sources'>,
  options: { clock?: Clock; logger?: Logger } = {},
): (source: SourceRecord) => Promise<number | null> {
  const clock = options.clock ?? systemClock;
  return async (source) => {
    let c: AnyConnector;
    try {
      c = engine.connectors.get(source.sourceType);
    } catch {
      return null; // a plugin not installed in this process: nothing to renew here
    }
    if (!c.pushRenewAt) return null;
    try {
      const config = parseConfig(c, await engine.sources.plainConfig(source.id));
      const view = await committed(engine.store, c, source.id);
      const at = await c.pushRenewAt({ config, ...view, now: clock.now() });
      return typeof at === 'number' && Number.isFinite(at) ? at : null;
    } catch (err) {
      options.logger?.warn('could not tell when the push channels of a source expire', {
        sourceId: source.id,
        error: (err as Error).message,
      });
      return null;
    }
  };
}

/**
 * Runs a connector's `onRemove` before its source is deleted (stop push channels …). Best effort: a failure or a
 * timeout is logged as a warning and the removal goes on — a source must always be removable, even offline.
 */
export async function runRemoveHook(
  c: AnyConnector,
  source: SourceRecord,
  deps: {
    store: MemoryStore;
    logger: Logger;
    context: (source: SourceRecord, signal: AbortSignal) => Promise<ConnectorContext<unknown>>;
  },
): Promise<void> {
  if (!c.onRemove) return;
  const signal = AbortSignal.timeout(REMOVE_HOOK_TIMEOUT_MS);
  try {
    const ctx = await deps.context(source, signal);
    const view = await committed(deps.store, c, source.id);
    const hook = c.onRemove({ ...ctx, ...view });
    // The hook may ignore its signal: do not wait for it past the timeout.
    await Promise.race([
      hook,
      new Promise<never>((_, reject) =>
        signal.addEventListener('abort', () => reject(new Error('timed out')), { once: true }),
      ),
    ]);
  } catch (err) {
    deps.logger.warn(
      `source "${source.name}" (${c.manifest.name}): could not release what it holds upstream; removing it anyway`,
      { sourceId: source.id, error: (err as Error).message },
    );
  }
}
