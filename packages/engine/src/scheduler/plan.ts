import { PUSH_RENEWAL_HINT } from '@tributary/sdk';
import type { RunRecord, RunTrigger, SourceRecord } from '../store/types.js';
import type { EnqueueInput } from '../queue/types.js';
import { nextCronTime, validateCron } from './cron.js';

/** Scheduling policy. Every duration in milliseconds. */
export interface SchedulePolicy {
  /**
   * Interval of a source without a schedule, only when the operator asked for one
   * (`TRIBUTARY_DEFAULT_INTERVAL_MINUTES`). `null`: a source without a schedule is manual — the scheduler never
   * enqueues it (webhooks and "sync now" still do). @default null
   */
  defaultIntervalMinutes: number | null;
  /** A webhook burst syncs once this long after its last event… @default 10000 */
  webhookDebounceMs: number;
  /** …or this long after its first event, whichever comes first (a steady stream still syncs). @default 60000 */
  webhookMaxWaitMs: number;
  /** Backoff after the first failed run; doubles per consecutive failure. @default 60000 */
  failureBackoffBaseMs: number;
  /** @default 21600000 (6 h) */
  failureBackoffMaxMs: number;
  /** Timezone of cron expressions. @default 'UTC' */
  timezone: string;
  /**
   * A push renewal that is due is not asked for again within this long of the last enqueue (a renewal Google
   * refused is retried at this pace, not on every tick). @default 900000 (15 min)
   */
  pushRetryMs: number;
}

export const DEFAULT_POLICY: SchedulePolicy = {
  defaultIntervalMinutes: null,
  webhookDebounceMs: 10_000,
  webhookMaxWaitMs: 60_000,
  failureBackoffBaseMs: 60_000,
  failureBackoffMaxMs: 6 * 3_600_000,
  timezone: 'UTC',
  pushRetryMs: 15 * 60_000,
};

/** What the scheduler remembers between ticks (in memory; losing it on restart only costs a debounce). */
export interface SourceMemo {
  /** When the scheduler last enqueued a sync of this source. */
  lastEnqueuedAt?: number;
  /** A webhook burst waiting for its quiet period. */
  webhook?: { firstAt: number; lastAt: number; events: number; hints: Record<string, unknown> };
}

/** A source as the planner sees it: the record and its recent runs, newest first. */
export interface SourceView {
  source: SourceRecord;
  recentRuns: RunRecord[];
  /** Its connector is disabled in the registry: like paused, nothing runs (status `connector_disabled`). */
  connectorDisabled?: boolean;
  /** When its push channels need a sync to renew them (epoch ms, the connector's `pushRenewAt`); null: none. */
  pushRenewAt?: number | null;
  /** Distributed mode: no live worker has its connector (a plugin not installed on any worker host). */
  noWorker?: boolean;
}

/** `manual`: no schedule (and no default interval): only "sync now" and webhooks sync it. */
export type ScheduleStatus =
  | 'scheduled'
  | 'due'
  | 'paused'
  | 'running'
  | 'backoff'
  | 'debouncing'
  | 'invalid'
  | 'manual'
  | 'connector_disabled'
  | 'no_worker';

/** The scheduler's view of one source, for the API and dashboard. Times are ISO 8601. */
export interface SourceScheduleState {
  sourceId: string;
  status: ScheduleStatus;
  /** When the next scheduled sync is due (after any backoff). */
  nextDueAt: string | null;
  consecutiveFailures: number;
  backoffUntil: string | null;
  lastEnqueuedAt: string | null;
  /** Webhook events collapsed into the pending sync. */
  pendingWebhookEvents: number;
  /** Why the source cannot be scheduled (a bad cron expression). */
  error: string | null;
  /** Where the schedule comes from: the source's own, the operator's default interval, or none (manual). */
  scheduleFrom: 'source' | 'default' | 'none';
}

export interface PlannedJob {
  sourceId: string;
  trigger: RunTrigger;
  job: EnqueueInput;
}

/** The job a trigger produces: one dedup key per source, so pending syncs of a source collapse into one. */
export function syncJobFor(
  source: SourceRecord,
  trigger: RunTrigger,
  extra: { hints?: Record<string, unknown>; forceFullSync?: boolean } = {},
): EnqueueInput {
  return {
    type: `${source.sourceType}:sync`,
    payload: {
      sourceId: source.id,
      userId: source.ownerId,
      options: {
        trigger,
        ...(extra.hints && Object.keys(extra.hints).length > 0 ? { hints: extra.hints } : {}),
        ...(extra.forceFullSync ? { forceFullSync: true } : {}),
      },
    },
    // A full refresh must not collapse into a pending incremental sync.
    dedupKey: extra.forceFullSync ? `sync:${source.id}:full` : `sync:${source.id}`,
  };
}

const iso = (ms: number | null | undefined): string | null => (ms == null ? null : new Date(ms).toISOString());
const time = (s: string | null | undefined): number | null => (s ? Date.parse(s) : null);

/** A schedule that can fire on its own (an empty `{}` counts as none). */
function hasOwnSchedule(source: SourceRecord): boolean {
  return Boolean(source.schedule?.cron) || source.schedule?.intervalMinutes != null;
}

/** Consecutive failed runs at the head of the history (aborted runs — pauses — neither count nor break it). */
function failures(runs: RunRecord[]): { count: number; lastAt: number | null } {
  let count = 0;
  let lastAt: number | null = null;
  for (const run of runs) {
    if (run.status === 'aborted' || run.status === 'running') continue;
    if (run.status !== 'failed') break;
    count++;
    lastAt ??= time(run.finishedAt) ?? time(run.startedAt);
  }
  return { count, lastAt };
}

/**
 * One scheduling decision, a pure function of (sources with their recent runs, memo, now): which syncs to enqueue
 * and the state of every source. Rules:
 * - paused sources and sources of a disabled connector get nothing (pending webhook bursts are dropped);
 * - a source with a running sync gets nothing now (overlap); its webhook burst waits for the run to end;
 * - a scheduled sync is due `intervalMinutes` (or at the next cron time) after the later of the last run's start and
 *   the last enqueue; a scheduled source that never ran is due at once (its first backfill);
 * - a source without a schedule falls back to `policy.defaultIntervalMinutes`; when that is null it is manual and
 *   never enqueued by a tick (only "sync now" and webhooks sync it);
 * - after N consecutive failed runs nothing scheduled or webhook-triggered runs before
 *   `lastFailure + min(max, base · 2^(N-1))`;
 * - a webhook burst syncs after `webhookDebounceMs` of quiet, or `webhookMaxWaitMs` after its first event;
 * - distributed: a source whose connector no live worker has is not routed (status `no_worker`, with the reason);
 * - a source whose push channels expire soon (`pushRenewAt` reached) gets a sync with the `pushRenewal` hint, also
 *   when it has no schedule (push sources are often manual), at most once per `pushRetryMs`, never in backoff.
 */
export function planTick(
  views: SourceView[],
  memo: Map<string, SourceMemo>,
  now: number,
  policy: SchedulePolicy = DEFAULT_POLICY,
): { jobs: PlannedJob[]; states: SourceScheduleState[]; memo: Map<string, SourceMemo> } {
  const jobs: PlannedJob[] = [];
  const states: SourceScheduleState[] = [];
  const next = new Map<string, SourceMemo>();

  for (const { source, recentRuns, connectorDisabled, pushRenewAt, noWorker } of views) {
    const m: SourceMemo = { ...memo.get(source.id) };
    const fail = failures(recentRuns);
    const backoffUntil =
      fail.count > 0 && fail.lastAt !== null
        ? fail.lastAt + Math.min(policy.failureBackoffMaxMs, policy.failureBackoffBaseMs * 2 ** (fail.count - 1))
        : null;
    const state: SourceScheduleState = {
      sourceId: source.id,
      status: 'scheduled',
      nextDueAt: null,
      consecutiveFailures: fail.count,
      backoffUntil: backoffUntil !== null && backoffUntil > now ? iso(backoffUntil) : null,
      lastEnqueuedAt: iso(m.lastEnqueuedAt),
      pendingWebhookEvents: m.webhook?.events ?? 0,
      error: null,
      scheduleFrom: hasOwnSchedule(source) ? 'source' : policy.defaultIntervalMinutes !== null ? 'default' : 'none',
    };
    states.push(state);

    if (source.status === 'paused' || connectorDisabled) {
      delete m.webhook;
      state.status = source.status === 'paused' ? 'paused' : 'connector_disabled';
      state.pendingWebhookEvents = 0;
      next.set(source.id, m);
      continue;
    }
    if (noWorker) {
      // Not routed: no live worker could run it. A webhook burst waits (it syncs once a worker has the connector).
      state.status = 'no_worker';
      state.error =
        `no live worker has connector "${source.sourceType}": install the plugin on the worker hosts ` +
        '(tributary connectors install <package>) and restart their workers';
      next.set(source.id, m);
      continue;
    }

    const lastStart = time(recentRuns[0]?.startedAt) ?? time(source.lastSyncAt);
    const reference = Math.max(lastStart ?? -Infinity, m.lastEnqueuedAt ?? -Infinity);
    let dueAt: number | null;
    const interval = source.schedule?.intervalMinutes ?? policy.defaultIntervalMinutes;
    try {
      if (source.schedule?.cron) validateCron(source.schedule.cron, policy.timezone);
      if (state.scheduleFrom === 'none') dueAt = null;
      else if (!Number.isFinite(reference)) dueAt = now;
      else if (source.schedule?.cron) dueAt = nextCronTime(source.schedule.cron, reference, policy.timezone);
      else dueAt = reference + (interval ?? 0) * 60_000;
    } catch (err) {
      state.status = 'invalid';
      state.error = (err as Error).message;
      dueAt = null;
    }
    if (dueAt !== null && backoffUntil !== null) dueAt = Math.max(dueAt, backoffUntil);
    state.nextDueAt = iso(dueAt);

    if (recentRuns[0]?.status === 'running') {
      state.status = 'running';
      next.set(source.id, m);
      continue;
    }
    const inBackoff = backoffUntil !== null && backoffUntil > now;

    if (m.webhook) {
      const quiet = now - m.webhook.lastAt >= policy.webhookDebounceMs;
      const waitedEnough = now - m.webhook.firstAt >= policy.webhookMaxWaitMs;
      if ((quiet || waitedEnough) && !inBackoff) {
        jobs.push({
          sourceId: source.id,
          trigger: 'webhook',
          job: syncJobFor(source, 'webhook', { hints: m.webhook.hints }),
        });
        delete m.webhook;
        m.lastEnqueuedAt = now;
        state.pendingWebhookEvents = 0;
        state.lastEnqueuedAt = iso(now);
        state.status = 'scheduled';
        next.set(source.id, m);
        continue;
      }
      state.status = inBackoff ? 'backoff' : 'debouncing';
      next.set(source.id, m);
      continue;
    }

    if (pushRenewAt != null) {
      const renewDue = Math.max(pushRenewAt, backoffUntil ?? -Infinity);
      if (dueAt === null || renewDue < dueAt) state.nextDueAt = iso(renewDue);
      const askedRecently = m.lastEnqueuedAt !== undefined && now - m.lastEnqueuedAt < policy.pushRetryMs;
      if (pushRenewAt <= now && !inBackoff && !askedRecently) {
        jobs.push({
          sourceId: source.id,
          trigger: 'schedule',
          job: syncJobFor(source, 'schedule', { hints: { [PUSH_RENEWAL_HINT]: true } }),
        });
        m.lastEnqueuedAt = now;
        state.lastEnqueuedAt = iso(now);
        state.status = 'due';
        next.set(source.id, m);
        continue;
      }
    }

    if (state.status !== 'invalid') {
      if (dueAt === null) state.status = inBackoff ? 'backoff' : 'manual';
      else if (dueAt <= now) {
        jobs.push({ sourceId: source.id, trigger: 'schedule', job: syncJobFor(source, 'schedule') });
        m.lastEnqueuedAt = now;
        state.lastEnqueuedAt = iso(now);
        state.status = 'due';
      } else if (inBackoff) state.status = 'backoff';
    }
    next.set(source.id, m);
  }
  return { jobs, states, memo: next };
}
