import { mergeHints } from '@tributary/sdk';
import { silentLogger, systemClock, TributaryError, type Clock, type Logger } from '@tributary/sdk';
import type { EnqueueResult, JobQueue } from '../queue/types.js';
import type { MemoryStore, RunRecord, SourceRecord } from '../store/types.js';
import {
  DEFAULT_POLICY,
  planTick,
  syncJobFor,
  type SchedulePolicy,
  type SourceMemo,
  type SourceScheduleState,
} from './plan.js';

/** Where the scheduler reads sources and their recent runs. */
export interface SchedulerSourcePort {
  listSources(): Promise<SourceRecord[]>;
  getSource(id: string): Promise<SourceRecord | null>;
  /** Newest first; a few are enough (failure streaks are capped by the backoff maximum anyway). */
  recentRuns(sourceId: string): Promise<RunRecord[]>;
  /** Connectors disabled in the registry: their sources never run. @default none */
  disabledConnectors?(): Promise<Set<string>>;
  /**
   * When a source's push channels need a sync to renew them (epoch ms), or null (see `pushRenewalPort` in
   * engine/push-lifecycle.ts). Asked again only after the source's runs or checkpoint changed. @default never
   */
  pushRenewalAt?(source: SourceRecord): Promise<number | null>;
  /**
   * Distributed mode: the connectors some live worker has (worker-connectors.ts); null when no worker is live or
   * nothing is known (jobs are routed as usual). @default always null
   */
  routableConnectors?(): Promise<Set<string> | null>;
}

/** The port over the store. */
export function storeSourcePort(
  store: Pick<MemoryStore, 'listSources' | 'getSource' | 'listRuns' | 'connectorRegistry'>,
  extra: Pick<SchedulerSourcePort, 'pushRenewalAt' | 'routableConnectors'> = {},
): SchedulerSourcePort {
  return {
    ...extra,
    listSources: () => store.listSources(),
    getSource: (id) => store.getSource(id),
    recentRuns: (sourceId) => store.listRuns({ sourceId, limit: 20 }),
    disabledConnectors: async () =>
      new Set((await (store.connectorRegistry?.list() ?? [])).filter((e) => !e.enabled).map((e) => e.name)),
  };
}

export interface SchedulerOptions {
  sources: SchedulerSourcePort;
  queue: Pick<JobQueue, 'enqueue'>;
  clock?: Clock;
  logger?: Logger;
  policy?: Partial<SchedulePolicy>;
}

export interface TickResult {
  enqueued: Array<{ sourceId: string; trigger: string; jobId: string; deduplicated: boolean }>;
  states: SourceScheduleState[];
}

export interface Scheduler {
  /** Decides and enqueues what is due now. The loop calls it on an interval (only on the leader). */
  tick(): Promise<TickResult>;
  /** "Sync now": enqueued at once, ignoring interval and failure backoff. @throws `not_found`, `conflict` (paused) */
  triggerManual(sourceId: string, options?: { forceFullSync?: boolean }): Promise<EnqueueResult>;
  /** A verified webhook event: collapsed with others of its burst and enqueued by a later tick. @throws `not_found` */
  triggerWebhook(sourceId: string, hints?: Record<string, unknown>): Promise<void>;
  /** The state of every source as of the last tick. */
  states(): SourceScheduleState[];
  /**
   * One source's state as of now (next due time, backoff, pending webhook events), computed without enqueuing
   * anything — also in a process that does not lead the scheduler. @throws `not_found`
   */
  stateOf(sourceId: string): Promise<SourceScheduleState>;
  /** The interval of sources without a schedule (`null`: they are manual). */
  readonly defaultIntervalMinutes: number | null;
}

/** The scheduler: {@link planTick} over the store's sources and runs, with an in-memory memo between ticks. */
export function createScheduler(options: SchedulerOptions): Scheduler {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const policy: SchedulePolicy = { ...DEFAULT_POLICY, ...options.policy };
  let memo = new Map<string, SourceMemo>();
  let lastStates: SourceScheduleState[] = [];
  // A failing worker registry must not stop scheduling: route as if nothing were known.
  const routableConnectors = async (): Promise<Set<string> | null> => {
    try {
      return (await options.sources.routableConnectors?.()) ?? null;
    } catch (err) {
      logger.warn('could not read which connectors the workers have; routing every job', { error: String(err) });
      return null;
    }
  };
  // Push renewal times, recomputed only when a source's runs or checkpoint changed (the hook reads the store).
  const renewals = new Map<string, { key: string; at: number | null }>();
  const pushRenewAt = async (source: SourceRecord, recentRuns: RunRecord[]): Promise<number | null> => {
    const port = options.sources.pushRenewalAt;
    if (!port || source.status === 'paused') return null;
    const key = JSON.stringify([
      source.updatedAt,
      source.lastSyncAt,
      source.lastSyncPosition,
      recentRuns[0]?.id,
      recentRuns[0]?.status,
    ]);
    const cached = renewals.get(source.id);
    if (cached?.key === key) return cached.at;
    const at = await port(source).catch(() => null);
    renewals.set(source.id, { key, at });
    return at;
  };

  const requireSource = async (sourceId: string): Promise<SourceRecord> => {
    const source = await options.sources.getSource(sourceId);
    if (!source) throw new TributaryError('not_found', `No source with id "${sourceId}".`);
    return source;
  };

  return {
    async tick() {
      const sources = await options.sources.listSources();
      const disabled = (await options.sources.disabledConnectors?.()) ?? new Set<string>();
      const routable = await routableConnectors();
      const views = await Promise.all(
        sources.map(async (source) => {
          const recentRuns = source.status === 'paused' ? [] : await options.sources.recentRuns(source.id);
          const connectorDisabled = disabled.has(source.sourceType);
          const noWorker = routable !== null && !routable.has(source.sourceType);
          return {
            source,
            recentRuns,
            connectorDisabled,
            noWorker,
            pushRenewAt: connectorDisabled || noWorker ? null : await pushRenewAt(source, recentRuns),
          };
        }),
      );
      const live = new Set(sources.map((s) => s.id));
      for (const id of renewals.keys()) if (!live.has(id)) renewals.delete(id);
      const plan = planTick(views, memo, clock.now(), policy);
      memo = plan.memo;
      lastStates = plan.states;
      const enqueued: TickResult['enqueued'] = [];
      for (const planned of plan.jobs) {
        try {
          const result = await options.queue.enqueue(planned.job);
          enqueued.push({
            sourceId: planned.sourceId,
            trigger: planned.trigger,
            jobId: result.id,
            deduplicated: result.deduplicated,
          });
        } catch (err) {
          // Forget the enqueue so the next tick tries again.
          const m = memo.get(planned.sourceId);
          if (m) delete m.lastEnqueuedAt;
          logger.error('could not enqueue a sync', { sourceId: planned.sourceId, error: String(err) });
        }
      }
      if (enqueued.length > 0) logger.debug('scheduler enqueued syncs', { count: enqueued.length });
      return { enqueued, states: plan.states };
    },

    async triggerManual(sourceId, opts = {}) {
      const source = await requireSource(sourceId);
      if (source.status === 'paused') {
        throw new TributaryError('conflict', `Source "${source.name}" is paused; resume it before syncing.`);
      }
      if ((await options.sources.disabledConnectors?.())?.has(source.sourceType)) {
        throw new TributaryError(
          'connector_disabled',
          `Source "${source.name}" cannot run: connector disabled (${source.sourceType}). ` +
            `Enable it with \`tributary connectors enable ${source.sourceType}\`.`,
          { details: { reason: 'connector_disabled', connector: source.sourceType } },
        );
      }
      const result = await options.queue.enqueue(syncJobFor(source, 'manual', { forceFullSync: opts.forceFullSync }));
      memo.set(sourceId, { ...memo.get(sourceId), lastEnqueuedAt: clock.now() });
      return result;
    },

    async triggerWebhook(sourceId, hints = {}) {
      const source = await requireSource(sourceId);
      if (source.status === 'paused') return;
      const now = clock.now();
      const m = memo.get(sourceId) ?? {};
      const burst = m.webhook ?? { firstAt: now, lastAt: now, events: 0, hints: {} };
      memo.set(sourceId, {
        ...m,
        webhook: {
          ...burst,
          lastAt: now,
          events: burst.events + 1,
          hints: burst.events === 0 ? hints : mergeHints(burst.hints, hints),
        },
      });
    },

    states: () => lastStates,

    async stateOf(sourceId) {
      const source = await requireSource(sourceId);
      const recentRuns = source.status === 'paused' ? [] : await options.sources.recentRuns(sourceId);
      const connectorDisabled = (await options.sources.disabledConnectors?.())?.has(source.sourceType) ?? false;
      // A dry plan over a copy of the memo: asking for the state never enqueues or forgets anything.
      const routable = await routableConnectors();
      const noWorker = routable !== null && !routable.has(source.sourceType);
      const view = {
        source,
        recentRuns,
        connectorDisabled,
        noWorker,
        pushRenewAt: connectorDisabled || noWorker ? null : await pushRenewAt(source, recentRuns),
      };
      const plan = planTick([view], new Map(memo), clock.now(), policy);
      return plan.states[0]!;
    },

    defaultIntervalMinutes: policy.defaultIntervalMinutes,
  };
}
