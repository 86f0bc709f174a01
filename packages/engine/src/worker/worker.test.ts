import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createManualClock, TributaryError, type ManualClock } from '@tributary/sdk';
import { createSqliteQueue } from '../queue/sqlite-queue.js';
import type { JobQueue } from '../queue/types.js';
import { createWorker, type RunJob, type Worker, type WorkerEvent } from './worker.js';

const VISIBILITY_MS = 30_000;

/** Collects worker events and lets a test await the n-th one of a type. */
function events() {
  const seen: WorkerEvent[] = [];
  const waiters: Array<{ type: WorkerEvent['type']; n: number; resolve: () => void }> = [];
  const count = (type: WorkerEvent['type']): number => seen.filter((e) => e.type === type).length;
  return {
    seen,
    on(event: WorkerEvent) {
      seen.push(event);
      for (const w of [...waiters]) {
        if (count(w.type) >= w.n) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      }
    },
    until(type: WorkerEvent['type'], n = 1): Promise<void> {
      if (count(type) >= n) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ type, n, resolve }));
    },
  };
}

const enqueue = (q: JobQueue, sourceId: string) =>
  q.enqueue({ type: 'files:sync', payload: { sourceId, userId: 'u1', options: {} } });

describe('worker', () => {
  let dir: string;
  let clock: ManualClock;
  let queue: JobQueue;
  let worker: Worker | undefined;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'tributary-worker-'));
    clock = createManualClock();
    queue = createSqliteQueue({
      path: path.join(dir, 'q.db'),
      clock,
      visibilityTimeoutMs: VISIBILITY_MS,
      maxAttempts: 3,
      backoff: { baseMs: 1000, jitter: 0 },
    });
  });
  afterEach(async () => {
    await worker?.stop();
    worker = undefined;
    await queue.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const start = (runJob: RunJob, extra: Partial<Parameters<typeof createWorker>[0]> = {}) => {
    const ev = events();
    worker = createWorker({ queue, runJob, clock, consumerName: 'w1', heartbeatMs: 10_000, onEvent: ev.on, ...extra });
    worker.start();
    return ev;
  };

  it('runs jobs with bounded concurrency and acks them', async () => {
    for (let i = 0; i < 5; i++) await enqueue(queue, `s${i}`);
    let active = 0;
    let peak = 0;
    const ran: string[] = [];
    const ev = start(
      async (job) => {
        active++;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 5));
        ran.push(job.payload.sourceId);
        active--;
      },
      { concurrency: 2 },
    );
    await ev.until('job_succeeded', 5);
    expect(ran.sort()).toEqual(['s0', 's1', 's2', 's3', 's4']);
    expect(peak).toBe(2);
    expect(await queue.stats()).toMatchObject({ depth: 0, inFlight: 0, deadLetters: 0 });
  });

  it('heartbeats the lease while a job runs, so no other consumer gets it', async () => {
    await enqueue(queue, 's1');
    let beats = 0;
    let onBeat: () => void = () => undefined;
    const heartbeat = queue.heartbeat.bind(queue);
    queue.heartbeat = async (r) => {
      const ok = await heartbeat(r);
      beats++;
      onBeat();
      return ok;
    };
    let finish!: () => void;
    const ev = start(() => new Promise<void>((resolve) => (finish = resolve)));
    await ev.until('job_started');
    for (let i = 1; i <= 5; i++) {
      const beat = new Promise<void>((r) => (onBeat = r));
      // Advance only once the heartbeat loop is parked on the clock again.
      while (clock.pending() < 1) await new Promise((r) => setImmediate(r));
      clock.advance(10_000);
      await beat;
      expect(beats).toBe(i);
    }
    // 50 s since reserve with a 30 s visibility timeout: only the heartbeats kept it.
    expect(await queue.reserve('other')).toBeNull();
    finish();
    await ev.until('job_succeeded');
    expect(await queue.stats()).toMatchObject({ depth: 0, inFlight: 0 });
  });

  it('retries retryable failures and dead-letters non-retryable ones (unmapped errors included) at once', async () => {
    const { id: flaky } = await enqueue(queue, 'flaky');
    const { id: broken } = await enqueue(queue, 'broken');
    const { id: buggy } = await enqueue(queue, 'buggy');
    const { id: reset } = await enqueue(queue, 'reset');
    const ev = start(async (job) => {
      if (job.payload.sourceId === 'flaky') throw new TributaryError('upstream_unavailable', 'Slack is down.');
      if (job.payload.sourceId === 'broken') throw new TributaryError('auth_invalid', 'The token was revoked.');
      if (job.payload.sourceId === 'reset') throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      throw new Error('undefined is not a function');
    });
    await ev.until('job_retry', 2);
    await ev.until('job_dead', 2);
    const dead = await queue.listDeadLetters();
    expect(dead.map((d) => [d.job.id, d.error]).sort()).toEqual(
      [
        [broken, 'auth_invalid: The token was revoked.'],
        [buggy, 'internal: undefined is not a function'],
      ].sort(),
    );
    expect((await queue.getJob(flaky))?.lastError).toBe('upstream_unavailable: Slack is down.');
    expect((await queue.getJob(reset))?.lastError).toBe('upstream_unavailable: Network error: socket hang up');
    expect(await queue.stats()).toMatchObject({ depth: 2, delayed: 2, retries: 2, deadLetters: 2 });
  });

  it('drops a job the runner aborted on its own (source paused) without counting a failure', async () => {
    const { id } = await enqueue(queue, 's1');
    const ev = start(async () => {
      throw new TributaryError('aborted', 'The source was paused.');
    });
    await ev.until('job_dropped');
    expect(await queue.getJob(id)).toBeNull();
    expect(await queue.stats()).toMatchObject({ depth: 0, inFlight: 0, retries: 0, deadLetters: 0 });
  });

  it('stop() aborts the running job, waits for it and gives it back; no new job is taken', async () => {
    const { id } = await enqueue(queue, 's1');
    await enqueue(queue, 's2');
    let sawAbort = false;
    const ev = start(
      (_job, signal) =>
        new Promise<void>((resolve) => {
          // The runner commits its current batch and returns when aborted.
          signal.addEventListener('abort', () => {
            sawAbort = true;
            resolve();
          });
        }),
    );
    await ev.until('job_started');
    await worker!.stop();
    expect(sawAbort).toBe(true);
    expect(ev.seen.map((e) => e.type)).toEqual(['job_started', 'job_released']);
    expect(await queue.stats()).toMatchObject({ depth: 2, inFlight: 0 });
    const again = await queue.reserve('next');
    expect(again?.job).toMatchObject({ id, attempts: 1 });
  });

  it('stop() releases a job that ignores its abort signal once the grace period is over', async () => {
    const { id } = await enqueue(queue, 's1');
    let finish!: () => void;
    const ev = start(() => new Promise<void>((resolve) => (finish = resolve)), { stopGraceMs: 5000 });
    await ev.until('job_started');
    const stopped = worker!.stop();
    while (clock.pending() < 1) await new Promise((r) => setImmediate(r));
    clock.advance(5000);
    await stopped;
    expect(await queue.stats()).toMatchObject({ depth: 1, inFlight: 0 });
    expect((await queue.reserve('next'))?.job.id).toBe(id);
    finish();
  });

  it('stops on SIGTERM', async () => {
    await enqueue(queue, 's1');
    const ev = start(
      (_job, signal) => new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve())),
      {
        stopOnSignals: ['SIGTERM'],
      },
    );
    await ev.until('job_started');
    expect(process.listenerCount('SIGTERM')).toBeGreaterThan(0);
    process.emit('SIGTERM');
    await ev.until('job_released');
    await worker!.stop();
    expect(await queue.stats()).toMatchObject({ depth: 1, inFlight: 0 });
  });

  it('aborts its copy of a job whose lease was lost to another consumer', async () => {
    await enqueue(queue, 's1');
    let reason: unknown;
    const ev = start(
      (_job, signal) =>
        new Promise<void>((_resolve, reject) =>
          signal.addEventListener('abort', () => {
            reason = signal.reason;
            reject(signal.reason as Error);
          }),
        ),
      { heartbeatMs: 40_000 },
    );
    await ev.until('job_started');
    clock.advance(VISIBILITY_MS + 1);
    const stolen = await queue.reserve('other');
    expect(stolen?.job.attempts).toBe(2);
    clock.advance(10_000);
    await ev.until('lease_lost');
    expect(reason).toMatchObject({ code: 'aborted' });
    // The new owner still holds it and can finish it.
    expect(await queue.ack(stolen!)).toBe(true);
  });
});
