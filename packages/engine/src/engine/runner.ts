import { randomUUID } from 'node:crypto';
import os from 'node:os';
import {
  createHttpClient,
  createLogger,
  parseCheckpoint,
  parseConfig,
  secretFieldPaths,
  toTributaryError,
  TributaryError,
  unlimited,
  type AnyConnector,
  type Clock,
  type Credential,
  type CredentialAccess,
  type Logger,
  type Page,
  type ReadContext,
  type SyncMode,
} from '@tributary/sdk';
import { createPipeline } from '../pipeline/prepare.js';
import { privacyPipelineOptions } from './privacy.js';
import type { RunCounts, RunMode, RunRecord, SourceRecord } from '../store/types.js';
import type { EngineOptions, SyncOptions, SyncProgress } from './types.js';
import { commitPreparedPage, preparePage, type PageInput, type PageOutcome } from './page-writer.js';
import { planReadRetry, planRun, RUN_RETRY_BUDGET, type RunPlan } from './run-plan.js';
import { whileStoreDown } from './store-retry.js';
import { openSourceConfig } from './source-config.js';
import { startBudgetMeter } from './budget.js';
import { assertPathsAllowed, pathGuardFor } from './local-access.js';
import { createRunState } from './state-view.js';
import { createConnectorRegistry } from './connector-registry.js';
import { createConnectorMetrics } from './connector-metrics.js';

/** Credentials that never exist: for connectors with `auth: none` or when no vault is configured. */
export const noCredentials: CredentialAccess = { get: async () => undefined, refresh: async () => undefined };

const HOLDER_PREFIX = `${os.hostname()}:${process.pid}`;

/**
 * After this many pages in a row whose fingerprint lookups found none of their items stored (a backfill, or an
 * incremental read of new items only), the runner stops asking: each lookup is a query that cannot pay off, and
 * the store tells new from existing at commit anyway. A page whose commit then finds existing items (unchanged or
 * updated) turns lookups back on, so a re-read of stored items costs at most one page of per-item commit work.
 */
const LOOKUP_MISSES_BEFORE_SKIP = 3;

/** A page whose commit was started and not yet booked by the runner. */
interface InFlightPage {
  page: Page;
  extra: { apiCalls: number; rateLimitWaitMs: number };
  /** Whether its items' stored fingerprints were looked up. */
  lookup: boolean;
  /** Its item and deletion ids: the next page's fingerprint lookups do not trust these until it lands. */
  ids: Set<string>;
  result: Promise<{ outcome: PageOutcome } | { error: unknown }>;
  /** Resolves (never rejects) when the commit has finished either way. */
  done: Promise<void>;
}

export interface RunnerDeps extends EngineOptions {
  clock: Clock;
  logger: Logger;
}

/** Values of a credential and of secret config fields: the redactor hides them wherever they show up. */
export function secretValues(
  connector: AnyConnector,
  config: Record<string, unknown>,
  credential: Credential | undefined,
): string[] {
  const out: string[] = [];
  for (const p of secretFieldPaths(connector.manifest.config)) {
    const value = p
      .split('.')
      .reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as any)[k] : undefined), config);
    if (typeof value === 'string') out.push(value);
  }
  if (credential) {
    for (const [k, v] of Object.entries(credential)) if (k !== 'kind' && typeof v === 'string') out.push(v);
    for (const v of Object.values(credential.extra ?? {})) out.push(v);
  }
  return out;
}

/**
 * One sync of one source: lease → run record → read pages → pipeline → commit page by page → finish.
 * Retryable failures retry from the last committed checkpoint with backoff; anything else fails the run,
 * puts the source in `error` with a readable message and keeps the last good checkpoint.
 */
export async function runSync(
  deps: RunnerDeps,
  source: SourceRecord,
  connector: AnyConnector,
  options: SyncOptions = {},
): Promise<RunRecord> {
  const { store, clock } = deps;
  const leaseKey = `sync:${source.id}`;
  const holder = `${HOLDER_PREFIX}:${randomUUID()}`;
  const ttl = deps.leaseTtlMs ?? 60_000;
  while (!(await store.acquireLease(leaseKey, holder, ttl))) {
    if (!options.waitForLease) {
      throw new TributaryError(
        'already_running',
        `Source "${source.name}" is already syncing; wait for that run to finish (tributary runs ${source.name}).`,
      );
    }
    await clock.sleep(Math.min(1000, ttl / 4), options.signal);
  }
  const requested: RunMode = options.mode === 'full_refresh' ? 'full_refresh' : 'incremental';
  const run = await store.startRun({ sourceId: source.id, mode: requested, trigger: options.trigger ?? 'manual' });
  const started = clock.now();
  const totals: RunCounts = {
    itemsSeen: 0,
    created: 0,
    updated: 0,
    deleted: 0,
    unchanged: 0,
    failed: 0,
    apiCalls: 0,
    rateLimitWaitMs: 0,
  };
  let pending = { apiCalls: 0, rateLimitWaitMs: 0 };
  let pages = 0;
  const progress = (phase: string, extra: Partial<SyncProgress> = {}): void =>
    options.onProgress?.({
      runId: run.id,
      sourceId: source.id,
      phase,
      ...totals,
      pages,
      elapsedMs: clock.now() - started,
      ...extra,
    });

  // Heartbeat keeps the lease and tells stuck-run detection we are alive.
  let leaseLost = false;
  const heartbeat = setInterval(
    () => {
      void (async () => {
        try {
          if (!(await store.renewLease(leaseKey, holder, ttl))) leaseLost = true;
          await store.heartbeatRun(run.id);
        } catch (err) {
          deps.logger.warn('heartbeat failed', { sourceId: source.id, error: (err as Error).message });
        }
      })();
    },
    Math.max(250, Math.floor(ttl / 3)),
  );
  heartbeat.unref();

  const signal = options.signal ?? new AbortController().signal;
  const stopRequested = (): boolean => signal.aborted || leaseLost;
  const readBudget = { ...RUN_RETRY_BUDGET, maxAttempts: 1 + (deps.runRetries ?? RUN_RETRY_BUDGET.maxAttempts - 1) };
  let finalMode: RunMode = requested;
  let plan: RunPlan | undefined;
  let firstPlan: RunPlan | undefined;
  // When the current streak of failures began (reset by an attempt that committed pages).
  let failingSince: number | undefined;
  try {
    progress('starting');
    const config = parseConfig(connector, await openSourceConfig(deps, source)) as Record<string, unknown>;
    // Feature settings are read from the store at every run: a change applies at the next run, no restart.
    const featureSettings = await createConnectorRegistry({
      store,
      connectors: new Map([[connector.manifest.name, connector]]),
      connector: () => connector,
    }).settingsFor(source);
    const features = Object.fromEntries(Object.entries(featureSettings).map(([k, f]) => [k, f.enabled]));
    const credentials = deps.credentials?.(source, connector) ?? noCredentials;
    const credential = await credentials.get().catch((err) => {
      throw toTributaryError(err);
    });
    const secrets = secretValues(connector, config, credential);
    const logger = createLogger(deps.log ?? (() => undefined), {
      secrets,
      bindings: { sourceId: source.id, connector: connector.manifest.name },
    });
    const pipeline = createPipeline({
      secrets,
      ...(await privacyPipelineOptions(store, source, deps.redactionPatterns)),
      connector: connector.manifest.name,
      enrichment: deps.enrichment,
    });
    const rateLimiter = deps.rateLimiterFor?.(source, connector) ?? unlimited;
    const countApi = (n = 1): void => {
      pending.apiCalls += n;
      deps.onEvent?.({ type: 'api_call', sourceId: source.id, connector: connector.manifest.name });
    };
    const countWait = (ms: number): void => {
      pending.rateLimitWaitMs += ms;
      deps.onEvent?.({ type: 'rate_limit_wait', sourceId: source.id, connector: connector.manifest.name, ms });
    };
    const http = createHttpClient({
      clock,
      rateLimiter,
      logger,
      signal,
      fetch: deps.fetch,
      onRequest: () => countApi(),
      onRateLimitWait: countWait,
    });
    const backfillDays =
      options.backfillDays ?? (typeof config.backfillDays === 'number' ? config.backfillDays : undefined);
    // The trust boundary and the budgets hold for every run, whoever added the source and whatever changed since.
    const paths = await pathGuardFor(store, deps.protectedPaths, source.ownerId);
    assertPathsAllowed(connector, config, paths);
    const budget = await startBudgetMeter(
      store,
      { sourceId: source.id, sourceName: source.name, ownerId: source.ownerId },
      deps.budgets,
      { dir: deps.diskPath, probe: deps.diskProbe },
    );

    for (let attempt = 1; ; attempt++) {
      const pagesBefore = pages;
      try {
        // The checkpoint is read inside the attempt: a store outage here is retried like one during the read.
        const stored = requested === 'full_refresh' && attempt === 1 ? null : await store.getCheckpoint(source.id);
        const parsed = parseCheckpoint(connector, stored ?? undefined);
        plan = planRun({ requested, attempt, stored: parsed, first: firstPlan, committedInRun: pages > 0 });
        firstPlan ??= plan;
        const mode: SyncMode = plan.mode;
        if (plan.cleanResync && attempt === 1) {
          logger.warn('stored checkpoint does not fit the connector; starting a clean full re-sync', {
            reason: parsed.reason,
          });
        }
        finalMode = mode;
        const since =
          mode !== 'incremental' && backfillDays !== undefined
            ? new Date(clock.now() - backfillDays * 86_400_000)
            : undefined;
        // Page N+1 is read and prepared while page N commits (a commit is mostly database work off this thread).
        // Commits stay one at a time and in order: page N+1 starts committing only after page N's commit succeeded
        // and was booked, so a failure of N stops the run before N+1 (it re-reads from N's checkpoint).
        let inflight: InFlightPage | undefined;
        // Pages in a row whose fingerprint lookups found nothing stored (see LOOKUP_MISSES_BEFORE_SKIP).
        let lookupMisses = 0;
        const settledCommit = async (): Promise<void> => {
          await inflight?.done;
        };
        const runState = createRunState(store, source.id, plan.checkpoint === undefined, settledCommit);
        const ctx: ReadContext<any, any> = {
          sourceId: source.id,
          config,
          features,
          featureSettings,
          metrics: createConnectorMetrics(connector, source.id, deps.onEvent, logger),
          credentials,
          http,
          rateLimiter,
          logger,
          signal,
          clock,
          countApiCall: countApi,
          countRateLimitWait: countWait,
          paths,
          checkpoint: plan.checkpoint,
          state: runState.view,
          mode,
          since,
          hints: options.hints ?? {},
          progress: (p) => progress(p.phase ?? 'reading', { message: p.message, total: p.total }),
        };
        progress('reading');
        const deferIndex = mode === 'backfill' || source.lastSyncAt === null;
        const markSeen = plan.markSeen;
        // Waits for the page in flight and books it; false when it was cut short by a stop (nothing more commits).
        const settle = async (): Promise<boolean> => {
          const page = inflight!;
          inflight = undefined;
          const settled = await page.result;
          if ('error' in settled) throw settled.error;
          const outcome = settled.outcome;
          // Lookups were off and the store found existing items after all: back to asking first.
          if (!page.lookup && outcome.unchanged + outcome.updated > 0) lookupMisses = 0;
          for (const f of [...(page.page.errors ?? []), ...outcome.failures].slice(0, 20))
            logger.warn('item skipped', { externalId: f.externalId, reason: f.message });
          pages++;
          totals.itemsSeen += page.page.items?.length ?? 0;
          totals.created += outcome.created;
          totals.updated += outcome.updated;
          totals.unchanged += outcome.unchanged;
          totals.deleted += outcome.deleted;
          totals.failed += outcome.failed;
          totals.apiCalls += page.extra.apiCalls;
          totals.rateLimitWaitMs += page.extra.rateLimitWaitMs;
          deps.onEvent?.({
            type: 'page_committed',
            sourceId: source.id,
            connector: connector.manifest.name,
            created: outcome.created,
            updated: outcome.updated,
            deleted: outcome.deleted,
            unchanged: outcome.unchanged,
            items: page.page.items?.length ?? 0,
          });
          progress('reading');
          // After the counts: a total passed by this page stops the run with the page counted.
          await budget.record(outcome.created + outcome.updated, page.page.items ?? []);
          return outcome.complete;
        };
        try {
          for await (const page of connector.read(ctx)) {
            if (stopRequested()) break;
            const extra = pending;
            pending = { apiCalls: 0, rateLimitWaitMs: 0 };
            const input: PageInput = {
              sourceId: source.id,
              runId: run.id,
              items: page.items ?? [],
              deletes: page.deletes ?? [],
              checkpoint: page.checkpoint,
              markSeen,
              // A source's first sync (until one succeeds, so a resumed backfill too) is a bulk load: index in merges.
              deferIndex,
              upstreamFailures: page.errors?.length ?? 0,
              extraCounts: extra,
              shouldStop: stopRequested,
              embedder: deps.embedder,
              signal,
            };
            const lookup = lookupMisses < LOOKUP_MISSES_BEFORE_SKIP;
            const ready = await preparePage(store, pipeline, input, deps.commitBatchSize ?? 1000, {
              unsettled: inflight?.ids,
              lookup,
            });
            if (ready.lookedUp) lookupMisses = ready.known ? 0 : lookupMisses + 1;
            if (inflight && !(await settle())) break;
            await budget.admit(page.items ?? []);
            // Only now: the state change of the first page of a fresh run carries `clear`, until that page committed.
            input.state = runState.changeFor(page);
            const result = commitPreparedPage(store, input, ready).then(
              (outcome) => {
                if (outcome.complete) runState.committed();
                return { outcome };
              },
              (error: unknown) => ({ error }),
            );
            inflight = {
              page,
              extra,
              lookup,
              ids: new Set([...input.items.map((i) => i?.externalId), ...input.deletes]),
              result,
              done: result.then(() => undefined),
            };
          }
          if (inflight) await settle();
        } finally {
          // A read that failed (or stopped) while a page was committing: that page is booked before anything else.
          if (inflight) await settle();
        }
        break;
      } catch (err) {
        const error = toTributaryError(err);
        if (stopRequested() && (error.code === 'aborted' || signal.aborted)) break;
        const progressed = pages > pagesBefore;
        if (progressed) failingSince = undefined;
        failingSince ??= clock.now();
        const decision = planReadRetry({
          error,
          attempt,
          progressed,
          failingForMs: clock.now() - failingSince,
          budget: readBudget,
          storeOutageMs: deps.storeOutageMs ?? 60_000,
        });
        if (!decision.retry) throw error;
        const delay = decision.delayMs;
        logger.warn('sync attempt failed; retrying from the last checkpoint', {
          attempt,
          code: error.code,
          error: error.message,
          delayMs: delay,
        });
        progress('retrying', { message: error.message });
        await clock.sleep(delay, signal);
      }
    }

    // Whatever a bulk backfill left unindexed becomes searchable before the run is reported finished.
    await store.flushIndex();
    if (leaseLost)
      throw new TributaryError(
        'already_running',
        'The sync lease was lost (another process took over after a stall); this run stopped.',
      );
    if (signal.aborted) {
      const done = await store.finishRun(run.id, {
        status: 'aborted',
        mode: finalMode,
        error: 'paused or cancelled; committed work kept',
        counts: { ...totals },
      });
      return done;
    }
    progress('finishing');
    if (plan?.tombstoneAtEnd) {
      totals.deleted += await store.tombstoneUnseen(source.id, run.id);
    }
    if (pending.apiCalls || pending.rateLimitWaitMs) {
      totals.apiCalls += pending.apiCalls;
      totals.rateLimitWaitMs += pending.rateLimitWaitMs;
    }
    const outage = { clock, outageMs: deps.storeOutageMs ?? 60_000, logger: deps.logger };
    const done = await whileStoreDown(
      () => store.finishRun(run.id, { status: 'succeeded', mode: finalMode, counts: { ...totals } }),
      outage,
    );
    const latest = await store.getSource(source.id);
    // A pause during the run keeps the source paused.
    if (latest)
      await store.updateSource(source.id, {
        lastSyncAt: done.finishedAt,
        errorMessage: null,
        ...(latest.status === 'error' ? { status: 'active' as const } : {}),
      });
    if (latest) deps.onEvent?.({ type: 'run_finished', run: done, source: latest });
    return done;
  } catch (err) {
    const error = toTributaryError(err);
    // A failed run keeps what it committed searchable too (if the store is down, the next open catches up).
    await store.flushIndex().catch(() => undefined);
    // A store outage must not leave the run `running`: finishing it waits for the database (bounded).
    const done = await whileStoreDown(
      () =>
        store.finishRun(run.id, {
          status: 'failed',
          mode: finalMode,
          error: error.message,
          errorCode: error.code,
          counts: {
            ...totals,
            apiCalls: totals.apiCalls + pending.apiCalls,
            rateLimitWaitMs: totals.rateLimitWaitMs + pending.rateLimitWaitMs,
          },
        }),
      { clock, outageMs: deps.storeOutageMs ?? 60_000, logger: deps.logger },
    );
    // A total budget reached changes nothing by itself: the source pauses instead of retrying on its schedule.
    const status = error.code === 'budget_exceeded' && error.details?.pause === true ? 'paused' : 'error';
    await store.updateSource(source.id, { status, errorMessage: `${error.code}: ${error.message}` });
    const latest = await store.getSource(source.id);
    if (latest) deps.onEvent?.({ type: 'run_finished', run: done, source: latest });
    throw error;
  } finally {
    clearInterval(heartbeat);
    await store.releaseLease(leaseKey, holder).catch(() => undefined);
  }
}
