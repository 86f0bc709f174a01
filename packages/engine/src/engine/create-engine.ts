import { randomUUID } from 'node:crypto';
import { rankedSearch, embeddingCoverage, embeddingStatus } from '../search/ranked-search.js';
import { drainEmbeddingBacklog, ensureEmbeddingModel, reindexEmbeddings } from '../search/embed-backlog.js';
import { startEmbeddingWorker, type EmbeddingWorker } from '../search/embedding-worker.js';
import { createLogger } from '@tributary/sdk/logger';
import { systemClock } from '@tributary/sdk/clock';
import { TributaryError } from '@tributary/sdk/errors';
import type { AnyConnector, Checkpoint, ConnectorContext } from '@tributary/sdk';
import type { RunRecord, SourceRecord } from '../store/types.js';
import type { RunnerDeps } from './runner.js';
import type { ConnectorRegistry } from './connector-registry.js';
import {
  LOCAL_USER_ID,
  type EngineOptions,
  type EngineWithStore,
  type IngestInput,
  type IngestResult,
  type NewSourceInput,
} from './types.js';

/** The write side (sync, ingest, sources, privacy, connectors), loaded on first use: reads never pay for it. */
const writeSide = (): Promise<typeof import('./write-side.js')> => import('./write-side.js');

/** The engine facade every interface (CLI, REST, MCP, workers) uses. */
export function createEngine(options: EngineOptions): EngineWithStore {
  const clock = options.clock ?? systemClock;
  const logger = createLogger(options.log ?? (() => undefined));
  const deps: RunnerDeps = { ...options, clock, logger };
  const { store } = options;
  const registry = new Map<string, AnyConnector>();
  for (const c of options.connectors) registry.set(c.manifest.name, c);
  const running = new Map<string, AbortController>();

  const connector = (name: string): AnyConnector => {
    const c = registry.get(name);
    if (!c) {
      throw new TributaryError(
        'not_found',
        `Unknown connector "${name}". Known connectors: ${[...registry.keys()].sort().join(', ') || '(none)'}.`,
        {
          issues: [{ path: 'connector', message: 'unknown connector' }],
        },
      );
    }
    return c;
  };
  let registryImpl: Promise<ConnectorRegistry> | undefined;
  const registryOf = (): Promise<ConnectorRegistry> =>
    (registryImpl ??= writeSide().then((w) =>
      w.createConnectorRegistry({
        store,
        connectors: registry,
        connector,
        origin: options.connectorOrigin,
        env: options.env,
      }),
    ));
  // Every method is async, so the registry (and the SDK's index it needs) is created when first called.
  const connectorRegistry: ConnectorRegistry = {
    sync: async () => (await registryOf()).sync(),
    list: async () => (await registryOf()).list(),
    status: async (name) => (await registryOf()).status(name),
    setEnabled: async (name, enabled) => (await registryOf()).setEnabled(name, enabled),
    assertRunnable: async (source) => (await registryOf()).assertRunnable(source),
    features: async (name) => (await registryOf()).features(name),
    setFeature: async (name, feature, write) => (await registryOf()).setFeature(name, feature, write),
    sourceFeatures: async (source) => (await registryOf()).sourceFeatures(source),
    setSourceFeature: async (source, feature, write) => (await registryOf()).setSourceFeature(source, feature, write),
    settingsFor: async (source) => (await registryOf()).settingsFor(source),
    forget: async (name) => (await registryOf()).forget(name),
  };

  const getSource = async (idOrName: string, ownerId?: string): Promise<SourceRecord> => {
    const byId = await store.getSource(idOrName);
    if (byId && (!ownerId || byId.ownerId === ownerId)) return byId;
    const byName = await store.getSourceByName(ownerId ?? LOCAL_USER_ID, idOrName);
    if (byName) return byName;
    throw new TributaryError('not_found', `No source "${idOrName}". List them with \`tributary sources list\`.`);
  };

  // A schedule the scheduler could never run is refused when it is written, not found later in a tick.
  // croner loads here, not with the facade: a search never writes a schedule.
  const validateSchedule = async (schedule: SourceRecord['schedule'] | undefined): Promise<void> => {
    if (!schedule?.cron) return;
    const { validateCron } = await import('../scheduler/cron.js');
    try {
      validateCron(schedule.cron);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new TributaryError('invalid_config', message, {
        cause: err,
        issues: [{ path: 'schedule.cron', message: 'invalid cron expression (5 or 6 fields)' }],
      });
    }
  };

  const connectorContext = async (source: SourceRecord, signal?: AbortSignal): Promise<ConnectorContext<any>> => {
    const c = connector(source.sourceType);
    const { assertPathsAllowed, createConnectorMetrics, createHttpClient, noCredentials, openSourceConfig } =
      await writeSide();
    const { parseConfig, pathGuardFor, secretValues, unlimited } = await writeSide();
    const config = parseConfig(c, await openSourceConfig(options, source));
    const paths = await pathGuardFor(store, options.protectedPaths, source.ownerId);
    assertPathsAllowed(c, config, paths);
    const credentials = options.credentials?.(source, c) ?? noCredentials;
    const credential = await credentials.get();
    const log = createLogger(options.log ?? (() => undefined), {
      secrets: secretValues(c, config as any, credential),
      bindings: { sourceId: source.id },
    });
    const controller = new AbortController();
    if (signal) signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
    // check, discover, webhook and watch spend the same provider budget and follow the same retry policy as read.
    const rateLimiter = options.rateLimiterFor?.(source, c) ?? unlimited;
    const name = c.manifest.name;
    const countApiCall = (): void => options.onEvent?.({ type: 'api_call', sourceId: source.id, connector: name });
    const countRateLimitWait = (ms: number): void =>
      options.onEvent?.({ type: 'rate_limit_wait', sourceId: source.id, connector: name, ms });
    const featureSettings = await connectorRegistry.settingsFor(source);
    return {
      sourceId: source.id,
      config,
      features: Object.fromEntries(Object.entries(featureSettings).map(([k, f]) => [k, f.enabled])),
      featureSettings,
      metrics: createConnectorMetrics(c, source.id, options.onEvent, log),
      credentials,
      http: createHttpClient({
        clock,
        logger: log,
        fetch: options.fetch,
        rateLimiter,
        signal: controller.signal,
        onRequest: countApiCall,
        onRateLimitWait: countRateLimitWait,
      }),
      rateLimiter,
      logger: log,
      signal: controller.signal,
      clock,
      countApiCall,
      countRateLimitWait,
      paths,
    };
  };

  // Everything `add` checks before it writes; `validate` (apply --dry-run) runs exactly this.
  const checkNewSource = async (given: NewSourceInput) => {
    const c = connector(given.connector);
    const { assertPathsAllowed, parseConfig, pathGuardFor, resolveFeatures, splitSourceSettings, validateSourceName } =
      await writeSide();
    // Keys as users write them (snake_case, aliases) are stored under the connector's own names, and a
    // `sync.interval_minutes` in the config becomes the schedule.
    const split = splitSourceSettings(c, given.config ?? {}, given.schedule);
    const input = { ...given, config: split.config, schedule: split.schedule };
    validateSourceName(input.name);
    await validateSchedule(input.schedule);
    // Paths first, before the config is parsed: a schema may look at the disk (obsidian's vault check).
    const guard = await pathGuardFor(store, options.protectedPaths, input.ownerId ?? LOCAL_USER_ID);
    assertPathsAllowed(c, input.config ?? {}, guard, { raw: true });
    const config = parseConfig(c, input.config ?? {}) as Record<string, unknown>;
    resolveFeatures(c.manifest, input.features ?? {});
    void config;
    const ownerId = input.ownerId ?? LOCAL_USER_ID;
    // Local paths: inside the owner's allowed roots (admins: anywhere), never the server's data dir.
    assertPathsAllowed(c, config, guard);
    // Store what the user wrote (defaults stay defaults and can change with the connector).
    if (input.id !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/.test(input.id)) {
      throw new TributaryError(
        'invalid_config',
        `Invalid source id "${input.id}": use letters, digits, dot, dash, colon or underscore (max 128).`,
        {
          issues: [{ path: 'id', message: 'invalid id' }],
        },
      );
    }
    if (input.id !== undefined && (await store.getSource(input.id))) {
      throw new TributaryError('conflict', `A source with id "${input.id}" already exists.`, {
        issues: [{ path: 'id', message: 'already taken' }],
      });
    }
    return { c, input, ownerId };
  };

  let embeddingWorker: EmbeddingWorker | null = null;
  /** The embedder and a store that keeps vectors, or a clear refusal. */
  const vectorDeps = async (ensure = true) => {
    if (!options.embedder)
      throw new TributaryError('invalid_input', 'No embedder is configured; see docs/search.md (embeddings).', {
        issues: [{ path: 'embeddings', message: 'not configured' }],
      });
    if (!store.vectorSupport().enabled)
      throw new TributaryError('invalid_input', `Vectors are off: ${store.vectorSupport().reason}.`, {
        issues: [{ path: 'embeddings', message: 'no vector store' }],
      });
    const deps = { store, embedder: options.embedder };
    if (ensure) await ensureEmbeddingModel(deps);
    return deps;
  };
  const engine: EngineWithStore = {
    store,
    // One store seen through narrow types (types.ts): the app reaches for the port it needs, never the whole store.
    ports: { auth: store, kv: store, sources: store, memories: store, lifecycle: store, vault: store },
    connectors: { list: () => [...registry.values()], get: connector, registry: connectorRegistry },
    sources: {
      async add(given) {
        const { c, input, ownerId } = await checkNewSource(given);
        // The id comes first: sealed secret config fields are bound to it.
        const id = input.id ?? randomUUID();
        const { configToStore } = await writeSide();
        const source = await store.createSource({
          id,
          ownerId,
          sourceType: c.manifest.name,
          name: input.name,
          config: await configToStore(options, c, id, input.config ?? {}),
          features: input.features ?? {},
          schedule: input.schedule ?? null,
        });
        if (input.credential) {
          if (!options.storeCredential) {
            await store.deleteSource(source.id);
            throw new TributaryError(
              'unsupported',
              'No credential vault is configured in this process; credentials cannot be stored.',
            );
          }
          await options.storeCredential(source.id, input.credential);
        }
        return source;
      },
      async validate(given) {
        await checkNewSource(given);
      },
      list: (ownerId) => store.listSources(ownerId ? { ownerId } : {}),
      get: getSource,
      async update(id, given) {
        const source = await getSource(id);
        const c = connector(source.sourceType);
        const w = await writeSide();
        const { assertPathsAllowed, configToStore, openSourceConfig, parseConfig, pathGuardFor } = w;
        const { resolveFeatures, splitSourceSettings, validateSourceName } = w;
        let patch = given;
        if (given.config !== undefined) {
          const split = splitSourceSettings(c, given.config, given.schedule);
          patch = { ...given, config: split.config };
          if (split.schedule !== undefined) patch.schedule = split.schedule;
        }
        if (patch.name !== undefined) validateSourceName(patch.name);
        await validateSchedule(patch.schedule);
        const guard = await pathGuardFor(store, options.protectedPaths, source.ownerId);
        if (patch.config !== undefined) assertPathsAllowed(c, patch.config, guard, { raw: true });
        const config =
          patch.config !== undefined ? await configToStore(options, c, source.id, patch.config, source) : undefined;
        if (patch.features !== undefined) resolveFeatures(c.manifest, patch.features);
        if (config !== undefined)
          assertPathsAllowed(c, parseConfig(c, await openSourceConfig(options, { id: source.id, config })), guard);
        return store.updateSource(source.id, config !== undefined ? { ...patch, config } : patch);
      },
      plainConfig: async (id) => (await writeSide()).openSourceConfig(options, await getSource(id)),
      async pause(id) {
        const source = await getSource(id);
        running.get(source.id)?.abort(new TributaryError('aborted', 'Source paused.'));
        return store.updateSource(source.id, { status: 'paused' });
      },
      async resume(id) {
        const source = await getSource(id);
        return store.updateSource(source.id, { status: 'active', errorMessage: null });
      },
      async remove(id) {
        const source = await getSource(id);
        running.get(source.id)?.abort(new TributaryError('aborted', 'Source removed.'));
        // Upstream first (stop push channels …), best effort: the source is removed whatever it answers.
        if (registry.has(source.sourceType))
          await (
            await writeSide()
          ).runRemoveHook(registry.get(source.sourceType)!, source, {
            store,
            logger,
            context: connectorContext,
          });
        await store.deleteSource(source.id);
      },
      async check(id) {
        const source = await getSource(id);
        const c = connector(source.sourceType);
        try {
          return await c.check(await connectorContext(source));
        } catch (err) {
          const e =
            err instanceof TributaryError
              ? err
              : new TributaryError('internal', (err as Error).message, { cause: err });
          return { ok: false, message: `${e.code}: ${e.message}` };
        }
      },
      async watch(id, onChange, signal) {
        const source = await getSource(id);
        const c = connector(source.sourceType);
        if (!c.watch || signal.aborted) return;
        await c.watch(await connectorContext(source, signal), onChange);
      },
      async webhook(id, request) {
        const source = await getSource(id);
        const c = connector(source.sourceType);
        if (!c.webhook) return null;
        return c.webhook(await connectorContext(source), request);
      },
      async discover(id) {
        const source = await getSource(id);
        const c = connector(source.sourceType);
        if (!c.discover) return [];
        return c.discover(await connectorContext(source));
      },
    },

    async sync(sourceId, syncOptions = {}) {
      const source = await getSource(sourceId);
      if (source.status === 'paused') {
        throw new TributaryError(
          'conflict',
          `Source "${source.name}" is paused; resume it first (tributary sources resume ${source.name}).`,
        );
      }
      const c = connector(source.sourceType);
      await connectorRegistry.assertRunnable(source);
      // A full refresh tombstones what the read does not yield: on a connector that cannot re-read everything
      // (push: its items only arrive through ingest) it would delete them all.
      if (syncOptions.mode === 'full_refresh' && c.manifest.capabilities?.fullRefresh === false) {
        throw new TributaryError(
          'conflict',
          `Source "${source.name}" (${c.manifest.name}) cannot be fully refreshed: its connector does not re-read ` +
            'everything, so a full refresh would delete what it holds. Run an incremental sync.',
          { issues: [{ path: 'mode', message: 'full_refresh not supported by this connector' }] },
        );
      }
      const controller = new AbortController();
      const onAbort = (): void => controller.abort(syncOptions.signal?.reason);
      syncOptions.signal?.addEventListener('abort', onAbort, { once: true });
      if (syncOptions.signal?.aborted) controller.abort(syncOptions.signal.reason);
      running.set(source.id, controller);
      try {
        const runOptions = { ...syncOptions, signal: controller.signal };
        const { runSync } = await writeSide();
        const inline = (): Promise<RunRecord> => runSync(deps, source, c, runOptions);
        // The runtime runs syncs in worker threads (off the event loop that serves the API and signals).
        return await (options.syncExecutor ? options.syncExecutor(source, c, runOptions, inline) : inline());
      } finally {
        running.delete(source.id);
        syncOptions.signal?.removeEventListener('abort', onAbort);
      }
    },

    abort(sourceId) {
      const controller = running.get(sourceId);
      if (!controller) return false;
      controller.abort(new TributaryError('aborted', 'Sync cancelled.'));
      return true;
    },

    async ingest(sourceId, input: IngestInput): Promise<IngestResult> {
      const source = await getSource(sourceId);
      const c = connector(source.sourceType);
      const w = await writeSide();
      const { createPipeline, noCredentials, openSourceConfig, parseCheckpoint, privacyPipelineOptions } = w;
      const { secretValues, startBudgetMeter, validateItem, writePage } = w;
      if (input.checkpoint !== undefined) {
        const parsed = parseCheckpoint(c, input.checkpoint);
        if (parsed.invalid)
          throw new TributaryError('invalid_input', `Invalid checkpoint: ${parsed.reason}`, {
            issues: [{ path: 'checkpoint', message: parsed.reason ?? 'invalid' }],
          });
      }
      // Validate everything first (the schema only; the pipeline runs once, in writePage): a bad request changes nothing.
      const failures: string[] = [];
      input.items.forEach((item, i) => {
        const r = validateItem(item);
        if ('message' in r) failures.push(`items.${i}: ${r.message}`);
      });
      if (failures.length) {
        throw new TributaryError(
          'invalid_input',
          `Ingest rejected, nothing stored: ${failures.slice(0, 5).join('; ')}`,
          {
            issues: failures
              .slice(0, 50)
              .map((f) => ({ path: f.split(':')[0]!, message: f.slice(f.indexOf(':') + 2) })),
          },
        );
      }
      const credential = await (options.credentials?.(source, c) ?? noCredentials).get().catch(() => undefined);
      const pipeline = createPipeline({
        secrets: secretValues(c, await openSourceConfig(options, source), credential),
        ...(await privacyPipelineOptions(store, source, options.redactionPatterns)),
        connector: c.manifest.name,
        enrichment: options.enrichment,
      });
      // Pushed items count against the same budgets as pulled ones; over budget, nothing is stored.
      const meter = await startBudgetMeter(
        store,
        { sourceId: source.id, sourceName: source.name, ownerId: source.ownerId },
        options.budgets,
        { dir: options.diskPath, probe: options.diskProbe },
        { eager: true },
      );
      await meter.admit(input.items);
      const run = await store.startRun({ sourceId: source.id, mode: 'push', trigger: 'push' });
      try {
        const outcome = await writePage(
          store,
          pipeline,
          {
            sourceId: source.id,
            runId: run.id,
            items: input.items,
            deletes: input.deletes ?? [],
            checkpoint: input.checkpoint as Checkpoint | undefined,
            embedder: options.embedder,
          },
          options.commitBatchSize ?? 1000,
        );
        await store.finishRun(run.id, { status: 'succeeded' });
        await store.updateSource(source.id, { lastSyncAt: new Date(clock.now()).toISOString() });
        options.onEvent?.({
          type: 'page_committed',
          sourceId: source.id,
          connector: c.manifest.name,
          created: outcome.created,
          updated: outcome.updated,
          deleted: outcome.deleted,
          unchanged: outcome.unchanged,
          items: input.items.length,
        });
        return {
          processed: input.items.length,
          created: outcome.created,
          updated: outcome.updated,
          unchanged: outcome.unchanged,
          deleted: outcome.deleted,
          checkpoint: await store.getCheckpoint(source.id),
        };
      } catch (err) {
        await store.finishRun(run.id, { status: 'failed', error: (err as Error).message }).catch(() => undefined);
        throw err;
      }
    },

    search: (query) => rankedSearch({ store, embedder: options.embedder, logger }, query),
    embeddings: {
      coverage: () => embeddingCoverage({ store, embedder: options.embedder }),
      status: () => embeddingStatus({ store, embedder: options.embedder }),
      drain: async (opts) => drainEmbeddingBacklog(await vectorDeps(), opts),
      // reindex ensures the model and queues every live text itself.
      reindex: async (opts) => reindexEmbeddings(await vectorDeps(false), opts),
      startBackground() {
        if (embeddingWorker || !options.embedder || !store.vectorSupport().enabled) return;
        embeddingWorker = startEmbeddingWorker({ store, embedder: options.embedder, logger });
      },
    },
    timeline: (query) => store.timeline(query),
    getMemory: (id, ownerId) => store.getMemory(id, ownerId),
    runs: (filter) => store.listRuns(filter),
    stats: async (sourceId) => store.sourceStats((await getSource(sourceId)).id),
    purge: async (sourceId) => store.purgeSourceData((await getSource(sourceId)).id),
    privacy: {
      get: async (ownerId) => (await writeSide()).loadPrivacyRules(store, ownerId),
      set: async (ownerId, rules) => (await writeSide()).savePrivacyRules(store, ownerId, rules),
      dryRun: async (ownerId, rules) => {
        const { loadPrivacyRules, parsePrivacyRules, privacyDryRun } = await writeSide();
        return privacyDryRun(
          store,
          ownerId,
          rules === undefined ? await loadPrivacyRules(store, ownerId) : parsePrivacyRules(rules),
        );
      },
      purgeMatching: async (ownerId, pattern, opts) => (await writeSide()).purgeMatching(store, ownerId, pattern, opts),
    },
    reenrich: async (filter) =>
      (await writeSide()).reenrichMemories(store, options.enrichment, {
        ...filter,
        sourceId: filter?.sourceId ? (await getSource(filter.sourceId)).id : undefined,
      }),
    async close() {
      await embeddingWorker?.stop();
      for (const c of running.values()) c.abort(new TributaryError('aborted', 'Engine closing.'));
      await store.close();
    },
  };
  return engine;
}
