import type { Logger } from '@tributary/sdk';
import type { Runtime } from './open-runtime.js';

export interface Watchers {
  /** Re-reads the sources and starts/stops watchers to match (call after sources change). */
  refresh(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Realtime sources: for every active source whose connector has `watch()`, is enabled, and whose feature `realtime`
 * is on (connector-wide or for the source), a watcher runs until the source is paused or removed (or the connector
 * disabled, the feature turned off: checked at each refresh); each change it reports becomes a (debounced) webhook-style
 * trigger of the scheduler, so a burst of new mail makes one sync.
 */
export function startWatchers(runtime: Runtime, logger: Logger, refreshEveryMs = 30_000): Watchers {
  const running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  let stopped = false;

  const refresh = async (): Promise<void> => {
    if (stopped) return;
    const sources = await runtime.engine.sources.list();
    const registry = runtime.engine.connectors.registry;
    const disabled = new Set((await registry.list()).filter((c) => !c.enabled).map((c) => c.name));
    const wanted = new Set<string>();
    for (const source of sources) {
      const connector = runtime.engine.connectors.list().find((c) => c.manifest.name === source.sourceType);
      if (!connector?.watch || source.status !== 'active' || disabled.has(source.sourceType)) continue;
      // The effective flag: manifest default, connector-wide setting, then the source's own.
      const realtime = await registry.settingsFor(source).then(
        (f) => f.realtime?.enabled ?? false,
        (err: unknown) => {
          logger.warn('feature settings unreadable; not watching', { sourceId: source.id, error: String(err) });
          return false;
        },
      );
      if (!realtime) continue;
      wanted.add(source.id);
      if (running.has(source.id)) continue;
      const controller = new AbortController();
      const done = runtime.engine.sources
        .watch(
          source.id,
          (hints) => {
            void runtime.scheduler
              .triggerWebhook(source.id, hints)
              .catch((err) => logger.warn('realtime trigger failed', { sourceId: source.id, error: String(err) }));
          },
          controller.signal,
        )
        .catch((err) => logger.warn('watcher stopped', { sourceId: source.id, error: String(err) }))
        .finally(() => running.delete(source.id));
      running.set(source.id, { controller, done });
      logger.info('watching source in real time', { sourceId: source.id, name: source.name });
    }
    for (const [id, w] of running) {
      if (!wanted.has(id)) w.controller.abort();
    }
  };

  const timer = setInterval(() => void refresh().catch(() => undefined), refreshEveryMs);
  timer.unref();
  void refresh().catch((err) => logger.warn('could not start watchers', { error: String(err) }));
  return {
    refresh,
    async stop() {
      stopped = true;
      clearInterval(timer);
      for (const w of running.values()) w.controller.abort();
      await Promise.all([...running.values()].map((w) => w.done));
    },
  };
}
