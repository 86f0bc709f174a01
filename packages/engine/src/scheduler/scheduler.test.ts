import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createManualClock, type ManualClock } from '@tributary/sdk';
import { createSqliteQueue } from '../queue/sqlite-queue.js';
import type { JobQueue } from '../queue/types.js';
import type { RunRecord, RunStatus, Schedule, SourceRecord } from '../store/types.js';
import { startSchedulerLoop } from './loop.js';
import { createScheduler, type Scheduler, type SchedulerSourcePort } from './scheduler.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 1);

function source(id: string, schedule: Schedule | null = null, status: SourceRecord['status'] = 'active'): SourceRecord {
  return {
    id,
    ownerId: 'u1',
    sourceType: 'slack',
    name: id,
    config: {},
    features: {},
    schedule,
    status,
    errorMessage: null,
    lastSyncAt: null,
    lastSyncPosition: null,
    createdAt: new Date(T0).toISOString(),
    updatedAt: new Date(T0).toISOString(),
  };
}

let runSeq = 0;
function run(
  sourceId: string,
  status: RunStatus,
  startedAt: number,
  finishedAt: number | null = startedAt + 1000,
): RunRecord {
  return {
    id: `r${++runSeq}`,
    sourceId,
    mode: 'incremental',
    trigger: 'schedule',
    status,
    startedAt: new Date(startedAt).toISOString(),
    finishedAt: status === 'running' || finishedAt === null ? null : new Date(finishedAt).toISOString(),
    heartbeatAt: null,
    error: status === 'failed' ? 'boom' : null,
    errorCode: status === 'failed' ? 'upstream_unavailable' : null,
    itemsSeen: 0,
    created: 0,
    updated: 0,
    deleted: 0,
    unchanged: 0,
    failed: 0,
    apiCalls: 0,
    rateLimitWaitMs: 0,
  };
}

/** An in-memory source port: tests edit `sources` and `runs` directly (runs newest first). */
function port() {
  const sources = new Map<string, SourceRecord>();
  const runs = new Map<string, RunRecord[]>();
  const p: SchedulerSourcePort = {
    listSources: async () => [...sources.values()],
    getSource: async (id) => sources.get(id) ?? null,
    recentRuns: async (id) => runs.get(id) ?? [],
  };
  return {
    p,
    add: (s: SourceRecord) => sources.set(s.id, s),
    addRun: (r: RunRecord) => runs.set(r.sourceId, [r, ...(runs.get(r.sourceId) ?? [])]),
    setRuns: (id: string, list: RunRecord[]) => runs.set(id, list),
  };
}

describe('scheduler', () => {
  let dir: string;
  let clock: ManualClock;
  let queue: JobQueue;
  let src: ReturnType<typeof port>;
  let scheduler: Scheduler;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'tributary-scheduler-'));
    clock = createManualClock(T0);
    queue = createSqliteQueue({ path: path.join(dir, 'q.db'), clock });
    src = port();
    scheduler = createScheduler({
      sources: src.p,
      queue,
      clock,
      policy: {
        webhookDebounceMs: 10_000,
        webhookMaxWaitMs: 60_000,
        failureBackoffBaseMs: 5 * MIN,
        failureBackoffMaxMs: 60 * MIN,
      },
    });
  });
  afterEach(async () => {
    await queue.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const drain = async (): Promise<string[]> => {
    const out: string[] = [];
    for (let r = await queue.reserve('t'); r; r = await queue.reserve('t')) {
      out.push(`${r.job.payload.sourceId}:${r.job.payload.options.trigger}`);
      await queue.ack(r);
    }
    return out;
  };

  it('syncs a new source at once, then every intervalMinutes after its last run started', async () => {
    src.add(source('a', { intervalMinutes: 15 }));
    src.add(source('b', { intervalMinutes: 60 }));
    const first = await scheduler.tick();
    expect(first.enqueued.map((e) => e.sourceId).sort()).toEqual(['a', 'b']);
    const jobs = await queue.reserve('t');
    expect(jobs?.job).toMatchObject({
      type: 'slack:sync',
      payload: { userId: 'u1', options: { trigger: 'schedule' } },
    });
    await queue.ack(jobs!);
    await drain();
    src.addRun(run('a', 'succeeded', T0 + 1000));
    src.addRun(run('b', 'succeeded', T0 + 1000));

    clock.set(T0 + 15 * MIN);
    expect((await scheduler.tick()).enqueued).toEqual([]);
    clock.set(T0 + 15 * MIN + 1000);
    expect((await scheduler.tick()).enqueued.map((e) => e.sourceId)).toEqual(['a']);
    src.addRun(run('a', 'succeeded', T0 + 15 * MIN + 2000));
    clock.set(T0 + 30 * MIN + 1999);
    expect((await scheduler.tick()).enqueued).toEqual([]);
    clock.set(T0 + 60 * MIN + 1000);
    expect((await scheduler.tick()).enqueued.map((e) => e.sourceId).sort()).toEqual(['a', 'b']);
  });

  it('follows a cron expression from the last run', async () => {
    src.add(source('c', { cron: '0 */6 * * *', intervalMinutes: 1 }));
    src.addRun(run('c', 'succeeded', T0 + 5000));
    clock.set(T0 + 6 * 60 * MIN - 1);
    const before = await scheduler.tick();
    expect(before.enqueued).toEqual([]);
    expect(before.states[0]).toMatchObject({ status: 'scheduled', nextDueAt: '2026-01-01T06:00:00.000Z' });
    clock.set(T0 + 6 * 60 * MIN);
    expect((await scheduler.tick()).enqueued.map((e) => e.sourceId)).toEqual(['c']);
  });

  it('reports a bad cron expression on the source and keeps scheduling the others', async () => {
    src.add(source('bad', { cron: 'every tuesday' }));
    src.add(source('ok', { intervalMinutes: 5 }));
    const result = await scheduler.tick();
    expect(result.enqueued.map((e) => e.sourceId)).toEqual(['ok']);
    expect(result.states.find((s) => s.sourceId === 'bad')).toMatchObject({
      status: 'invalid',
      error: expect.stringMatching(/cron/),
    });
  });

  it('backs off exponentially after consecutive failures, capped, and shows it in the state', async () => {
    src.add(source('f', { intervalMinutes: 1 }));
    // Three failures, the last finished at T0: backoff 5 min · 2² = 20 min.
    src.setRuns('f', [
      run('f', 'failed', T0 - 1000, T0),
      run('f', 'aborted', T0 - 3000),
      run('f', 'failed', T0 - 5000),
      run('f', 'failed', T0 - 9000),
      run('f', 'succeeded', T0 - 20000),
    ]);
    clock.set(T0 + 20 * MIN - 1);
    const waiting = await scheduler.tick();
    expect(waiting.enqueued).toEqual([]);
    expect(waiting.states[0]).toMatchObject({
      status: 'backoff',
      consecutiveFailures: 3,
      backoffUntil: new Date(T0 + 20 * MIN).toISOString(),
      nextDueAt: new Date(T0 + 20 * MIN).toISOString(),
    });
    clock.set(T0 + 20 * MIN);
    expect((await scheduler.tick()).enqueued.map((e) => e.sourceId)).toEqual(['f']);

    // Ten failures: capped at 60 minutes.
    src.setRuns(
      'f',
      Array.from({ length: 10 }, (_, i) => run('f', 'failed', T0 + 30 * MIN - i * 1000, T0 + 30 * MIN)),
    );
    clock.set(T0 + 90 * MIN - 1);
    expect((await scheduler.tick()).states[0]).toMatchObject({
      consecutiveFailures: 10,
      backoffUntil: new Date(T0 + 90 * MIN).toISOString(),
    });
    // A manual "sync now" ignores the backoff.
    await drain();
    expect((await scheduler.triggerManual('f')).deduplicated).toBe(false);
    // A success ends the streak.
    src.addRun(run('f', 'succeeded', T0 + 90 * MIN - 1));
    const after = await scheduler.tick();
    expect(after.states[0]).toMatchObject({ consecutiveFailures: 0, backoffUntil: null });
  });

  it('skips paused sources: no schedule, no webhook sync, manual sync refused', async () => {
    src.add(source('p', null, 'paused'));
    await scheduler.triggerWebhook('p', { channel: 'C1' });
    clock.advance(120 * MIN);
    const result = await scheduler.tick();
    expect(result.enqueued).toEqual([]);
    expect(result.states[0]).toMatchObject({ status: 'paused', pendingWebhookEvents: 0 });
    await expect(scheduler.triggerManual('p')).rejects.toMatchObject({ code: 'conflict' });
    await expect(scheduler.triggerManual('nope')).rejects.toMatchObject({ code: 'not_found' });
    expect((await queue.stats()).depth).toBe(0);
  });

  it('debounces a webhook burst into one sync after a quiet period, merging hints', async () => {
    src.add(source('w'));
    src.addRun(run('w', 'succeeded', T0 - 1000));
    for (let i = 0; i < 5; i++) {
      await scheduler.triggerWebhook('w', { channel: 'C1', deletes: [`m${i}`] });
      clock.advance(2000);
      expect((await scheduler.tick()).enqueued).toEqual([]);
    }
    expect(scheduler.states()[0]).toMatchObject({ status: 'debouncing', pendingWebhookEvents: 5 });
    clock.advance(8000); // 10 s after the last event
    const result = await scheduler.tick();
    expect(result.enqueued.map((e) => [e.sourceId, e.trigger])).toEqual([['w', 'webhook']]);
    const job = await queue.reserve('t');
    // Deletions are unioned; the channel all events agree on still narrows the sync.
    expect(job?.job.payload.options.hints).toEqual({ channel: 'C1', deletes: ['m0', 'm1', 'm2', 'm3', 'm4'] });
    expect((await scheduler.tick()).enqueued).toEqual([]);
  });

  it('a steady webhook stream still syncs after the maximum wait', async () => {
    src.add(source('w'));
    src.addRun(run('w', 'succeeded', T0 - 1000));
    const enqueuedAt: number[] = [];
    for (let t = 0; t <= 70_000; t += 5000) {
      await scheduler.triggerWebhook('w');
      if ((await scheduler.tick()).enqueued.length > 0) enqueuedAt.push(t);
      clock.advance(5000);
    }
    expect(enqueuedAt).toEqual([60_000]);
  });

  it('never overlaps: nothing while a sync runs (webhooks wait for it), one pending job at most', async () => {
    src.add(source('o', { intervalMinutes: 1 }));
    src.addRun(run('o', 'running', T0 - 10 * MIN));
    await scheduler.triggerWebhook('o');
    clock.advance(5 * MIN);
    const during = await scheduler.tick();
    expect(during.enqueued).toEqual([]);
    expect(during.states[0]).toMatchObject({ status: 'running', pendingWebhookEvents: 1 });

    // The run ends: the webhook burst gets its sync.
    src.setRuns('o', [run('o', 'succeeded', T0 - 10 * MIN, T0 + 5 * MIN)]);
    expect((await scheduler.tick()).enqueued.map((e) => e.trigger)).toEqual(['webhook']);
    // The job waits in the queue (no worker): later ticks, manual syncs and webhooks collapse into it.
    for (let i = 0; i < 5; i++) {
      clock.advance(2 * MIN);
      await scheduler.tick();
    }
    expect((await scheduler.triggerManual('o')).deduplicated).toBe(true);
    expect(await queue.stats()).toMatchObject({ depth: 1 });
    expect(await drain()).toEqual(['o:webhook']);
  });

  it('a full-refresh request does not collapse into a pending incremental sync', async () => {
    src.add(source('x', { intervalMinutes: 30 }));
    await scheduler.tick();
    const full = await scheduler.triggerManual('x', { forceFullSync: true });
    expect(full.deduplicated).toBe(false);
    expect((await queue.getJob(full.id))?.payload.options).toEqual({ trigger: 'manual', forceFullSync: true });
    expect((await queue.stats()).depth).toBe(2);
  });

  it('never enqueues a source without a schedule (manual), over days of fake time; webhooks and sync now still do', async () => {
    src.add(source('m')); // never ran, no schedule
    src.add(source('ran')); // ran once, no schedule
    src.addRun(run('ran', 'succeeded', T0 - 1000));
    src.add(source('failed')); // its last run failed: no backoff retry either
    src.addRun(run('failed', 'failed', T0 - 1000, T0));
    for (let i = 0; i < 3 * 24 * 4; i++) {
      expect((await scheduler.tick()).enqueued).toEqual([]);
      clock.advance(15 * MIN);
    }
    expect((await queue.stats()).depth).toBe(0);
    const state = (await scheduler.tick()).states.find((s) => s.sourceId === 'm');
    expect(state).toMatchObject({ status: 'manual', nextDueAt: null, scheduleFrom: 'none' });
    expect(await scheduler.stateOf('ran')).toMatchObject({ status: 'manual', nextDueAt: null });
    expect(scheduler.defaultIntervalMinutes).toBeNull();
    // "Sync now" and a webhook still sync a manual source.
    await scheduler.triggerManual('m');
    await scheduler.triggerWebhook('ran');
    clock.advance(60_000);
    await scheduler.tick();
    expect((await drain()).sort()).toEqual(['m:manual', 'ran:webhook']);
  });

  it('a default interval applies only when the operator sets one', async () => {
    const withDefault = createScheduler({ sources: src.p, queue, clock, policy: { defaultIntervalMinutes: 30 } });
    expect(withDefault.defaultIntervalMinutes).toBe(30);
    src.add(source('d'));
    src.addRun(run('d', 'succeeded', T0));
    expect(await withDefault.stateOf('d')).toMatchObject({
      status: 'scheduled',
      scheduleFrom: 'default',
      nextDueAt: new Date(T0 + 30 * MIN).toISOString(),
    });
    clock.set(T0 + 30 * MIN);
    expect((await withDefault.tick()).enqueued.map((e) => e.sourceId)).toEqual(['d']);
    // stateOf is a dry run: asking never enqueues.
    await drain();
    clock.set(T0 + 120 * MIN);
    expect((await withDefault.stateOf('d')).status).toBe('due');
    expect((await queue.stats()).depth).toBe(0);
  });

  it('the loop ticks on its interval only while this process leads', async () => {
    src.add(source('l', { intervalMinutes: 1 }));
    let leader = false;
    let ticks = 0;
    let maintained = 0;
    const counted: Scheduler = { ...scheduler, tick: async () => (ticks++, scheduler.tick()) };
    const loop = startSchedulerLoop({
      scheduler: counted,
      intervalMs: 15_000,
      clock,
      maintenance: async () => maintained++,
      elector: { id: 'x', start: async () => undefined, stop: async () => undefined, isLeader: () => leader },
    });
    const parked = async (): Promise<void> => {
      while (clock.pending() < 1) await new Promise((r) => setImmediate(r));
    };
    await parked();
    clock.advance(15_000);
    await parked();
    expect(ticks).toBe(0);
    leader = true;
    clock.advance(15_000);
    await parked();
    expect(ticks).toBe(1);
    expect(maintained).toBe(1);
    expect((await queue.stats()).depth).toBe(1);
    await loop.stop();
  });
});
