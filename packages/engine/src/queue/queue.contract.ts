import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createManualClock, type ManualClock } from '@tributary/sdk';
import type { EnqueueInput, JobQueue, QueueOptions } from './types.js';

/** What one backend gives the contract suite. */
export interface QueueHarness {
  queue: JobQueue;
  /** A second handle on the same storage, as another process (or the same one after a restart) would open it. */
  reopen(): Promise<JobQueue>;
  /** Lets `ms` of lease time pass (SQLite: the manual clock; Redis: real milliseconds, XAUTOCLAIM's idle time). */
  elapseLeaseTime(ms: number): Promise<void>;
  /** Closes every handle and deletes what the test created. */
  cleanup(): Promise<void>;
}

/** Every backend gets these options; the clock drives backoff (and SQLite leases). */
export interface QueueFactoryInput extends Required<Pick<QueueOptions, 'maxAttempts'>> {
  clock: ManualClock;
  backoff: { baseMs: number; maxMs: number; jitter: 0 };
}

const job = (sourceId: string, extra: Partial<EnqueueInput> = {}): EnqueueInput => ({
  type: 'slack:sync',
  payload: { sourceId, userId: 'u1', options: { maxResults: 50, trigger: 'schedule' } },
  ...extra,
});

/**
 * The queue contract: every backend registers these tests with its factory. `visibilityTimeoutMs` is the
 * backend's lease length (Redis keeps it short: its leases run on real time).
 */
export function queueContract(
  name: string,
  makeQueue: (input: QueueFactoryInput) => Promise<QueueHarness>,
  visibilityTimeoutMs: number,
): void {
  describe(`queue contract: ${name}`, () => {
    let h: QueueHarness;
    let q: JobQueue;
    let clock: ManualClock;
    const backoff = { baseMs: 1000, maxMs: 8000, jitter: 0 as const };

    beforeEach(async () => {
      clock = createManualClock();
      h = await makeQueue({ clock, maxAttempts: 3, backoff });
      q = h.queue;
    });
    afterEach(async () => {
      await h.cleanup();
    });

    it('enqueue → reserve → ack delivers the job once, in order, with its payload', async () => {
      const a = await q.enqueue(job('s1'));
      const b = await q.enqueue(job('s2'));
      expect(a.deduplicated).toBe(false);
      expect(a.id).not.toBe(b.id);

      const first = await q.reserve('c1');
      expect(first?.job).toMatchObject({
        id: a.id,
        type: 'slack:sync',
        payload: { sourceId: 's1', userId: 'u1', options: { maxResults: 50, trigger: 'schedule' } },
        attempts: 1,
        maxAttempts: 3,
        lastError: null,
      });
      expect(new Date(first!.job.enqueuedAt).getTime()).toBe(clock.now());
      expect(await q.ack(first!)).toBe(true);

      const second = await q.reserve('c1');
      expect(second?.job.id).toBe(b.id);
      expect(await q.ack(second!)).toBe(true);
      expect(await q.reserve('c1')).toBeNull();
      expect(await q.getJob(a.id)).toBeNull();
      expect(await q.stats()).toMatchObject({ depth: 0, inFlight: 0, deadLetters: 0 });
    });

    it('rejects a malformed job with invalid_input and stores nothing', async () => {
      await expect(q.enqueue({ ...job('s1'), type: 'not a type' })).rejects.toMatchObject({ code: 'invalid_input' });
      await expect(q.enqueue(job(''))).rejects.toMatchObject({ code: 'invalid_input' });
      expect((await q.stats()).depth).toBe(0);
    });

    it('redelivers a job to another consumer when its lease expires', async () => {
      await q.enqueue(job('s1'));
      const first = await q.reserve('dead-worker');
      expect(first).not.toBeNull();
      expect(await q.reserve('c2')).toBeNull();

      await h.elapseLeaseTime(visibilityTimeoutMs + 100);
      const again = await q.reserve('c2');
      expect(again?.job.id).toBe(first!.job.id);
      expect(again?.job.attempts).toBe(2);
      // The first consumer lost the lease: it can neither ack nor extend it.
      expect(await q.ack(first!)).toBe(false);
      expect(await q.heartbeat(first!)).toBe(false);
      expect(await q.ack(again!)).toBe(true);
      expect((await q.stats()).depth + (await q.stats()).inFlight).toBe(0);
    });

    it('a heartbeat keeps the lease, so the job is not redelivered', async () => {
      await q.enqueue(job('s1'));
      const held = await q.reserve('c1');
      const step = Math.floor(visibilityTimeoutMs * 0.3);
      for (let i = 0; i < 4; i++) {
        await h.elapseLeaseTime(step);
        expect(await q.heartbeat(held!)).toBe(true);
      }
      // 120% of the timeout since reserve, 30% since the last heartbeat: still leased.
      expect(await q.reserve('c2')).toBeNull();
      expect((await q.stats()).inFlight).toBe(1);
      expect(await q.ack(held!)).toBe(true);
    });

    it('fail retries after an exponential backoff and dead-letters after maxAttempts with the error', async () => {
      const { id } = await q.enqueue(job('s1'));
      let r = await q.reserve('c1');
      expect(await q.fail(r!, { message: 'upstream down', code: 'upstream_unavailable' })).toEqual({
        outcome: 'retry',
        delayMs: 1000,
      });
      expect(await q.reserve('c1')).toBeNull();
      expect(await q.stats()).toMatchObject({ depth: 1, delayed: 1, retries: 1 });
      clock.advance(999);
      expect(await q.reserve('c1')).toBeNull();
      clock.advance(1);
      r = await q.reserve('c1');
      expect(r?.job).toMatchObject({ id, attempts: 2, lastError: 'upstream_unavailable: upstream down' });

      expect(await q.fail(r!, { message: 'still down' })).toEqual({ outcome: 'retry', delayMs: 2000 });
      clock.advance(2000);
      r = await q.reserve('c1');
      expect(r?.job.attempts).toBe(3);
      expect(await q.fail(r!, { message: 'gave up' })).toEqual({ outcome: 'dead' });
      clock.advance(60_000);
      expect(await q.reserve('c1')).toBeNull();

      const dead = await q.listDeadLetters();
      expect(dead).toHaveLength(1);
      expect(dead[0]).toMatchObject({ error: 'gave up', job: { id, attempts: 3, payload: { sourceId: 's1' } } });
      expect(await q.stats()).toMatchObject({ depth: 0, inFlight: 0, retries: 2, deadLetters: 1 });

      expect(await q.requeueDeadLetter(id)).toBe(true);
      expect(await q.requeueDeadLetter(id)).toBe(false);
      expect(await q.listDeadLetters()).toHaveLength(0);
      r = await q.reserve('c1');
      expect(r?.job).toMatchObject({ id, attempts: 1 });
      expect(await q.ack(r!)).toBe(true);
    });

    it('a retry waits at least the Retry-After the provider asked for', async () => {
      await q.enqueue(job('s1'));
      const r = await q.reserve('c1');
      expect(await q.fail(r!, { message: '429', code: 'rate_limited', retryAfterMs: 5000 })).toEqual({
        outcome: 'retry',
        delayMs: 5000,
      });
      clock.advance(4999);
      expect(await q.reserve('c1')).toBeNull();
      clock.advance(1);
      expect((await q.reserve('c1'))?.job.attempts).toBe(2);
    });

    it('a non-retryable failure dead-letters at once', async () => {
      const { id } = await q.enqueue(job('s1'));
      const r = await q.reserve('c1');
      expect(await q.fail(r!, { message: 'bad token', code: 'auth_invalid', retryable: false })).toEqual({
        outcome: 'dead',
      });
      const dead = await q.listDeadLetters();
      expect(dead.map((d) => [d.job.id, d.error])).toEqual([[id, 'auth_invalid: bad token']]);
      expect(await q.fail(r!, { message: 'again' })).toEqual({ outcome: 'lost' });
    });

    it('dead letters: listed oldest first, retried or discarded one by one; a live job is never discarded', async () => {
      const ids: string[] = [];
      for (const src of ['s1', 's2', 's3']) {
        const { id } = await q.enqueue(job(src));
        ids.push(id);
        const r = await q.reserve('c1');
        await q.fail(r!, { message: `${src} failed`, code: 'auth_invalid', retryable: false });
        clock.advance(10);
      }
      const live = await q.enqueue(job('s4'));
      expect((await q.listDeadLetters()).map((d) => [d.job.id, d.error])).toEqual([
        [ids[0], 'auth_invalid: s1 failed'],
        [ids[1], 'auth_invalid: s2 failed'],
        [ids[2], 'auth_invalid: s3 failed'],
      ]);
      expect(await q.discardDeadLetter(live.id)).toBe(false);
      expect(await q.discardDeadLetter('no-such-job')).toBe(false);
      expect(await q.discardDeadLetter(ids[1]!)).toBe(true);
      expect(await q.discardDeadLetter(ids[1]!)).toBe(false);
      expect(await q.getJob(ids[1]!)).toBeNull();
      expect(await q.requeueDeadLetter(ids[1]!)).toBe(false);
      expect(await q.stats()).toMatchObject({ depth: 1, deadLetters: 2 });

      // Durable: another handle sees the same dead letters and acts on them.
      const other = await h.reopen();
      expect((await other.listDeadLetters()).map((d) => d.job.id)).toEqual([ids[0], ids[2]]);
      expect(await other.requeueDeadLetter(ids[2]!)).toBe(true);
      expect(await other.discardDeadLetter(ids[2]!)).toBe(false);
      expect((await q.listDeadLetters()).map((d) => d.job.id)).toEqual([ids[0]]);
      const delivered: string[] = [];
      for (let r = await q.reserve('c2'); r; r = await q.reserve('c2')) {
        delivered.push(r.job.payload.sourceId);
        await q.ack(r);
      }
      expect(delivered.sort()).toEqual(['s3', 's4']);
      expect(await q.stats()).toMatchObject({ depth: 0, inFlight: 0, deadLetters: 1 });
    });

    it('dead-letters a job whose consumers keep dying (lease expired maxAttempts times)', async () => {
      const { id } = await q.enqueue(job('s1'));
      for (let i = 0; i < 3; i++) {
        expect((await q.reserve(`dying-${i}`))?.job.attempts).toBe(i + 1);
        await h.elapseLeaseTime(visibilityTimeoutMs + 100);
      }
      expect(await q.reserve('c1')).toBeNull();
      const dead = await q.listDeadLetters();
      expect(dead.map((d) => d.job.id)).toEqual([id]);
      expect(dead[0]!.error).toMatch(/lease expired/);
    });

    it('dedup: a waiting job absorbs enqueues with the same key until it is delivered', async () => {
      const a = await q.enqueue(job('s1', { dedupKey: 'source:s1' }));
      const b = await q.enqueue(job('s1', { dedupKey: 'source:s1' }));
      const other = await q.enqueue(job('s2', { dedupKey: 'source:s2' }));
      expect(b).toEqual({ id: a.id, deduplicated: true });
      expect(other.deduplicated).toBe(false);
      expect((await q.stats()).depth).toBe(2);

      const r = await q.reserve('c1');
      expect(r?.job.id).toBe(a.id);
      // Running now: a new event deserves a new sync.
      const c = await q.enqueue(job('s1', { dedupKey: 'source:s1' }));
      expect(c.deduplicated).toBe(false);
      expect(c.id).not.toBe(a.id);
      expect((await q.getJob(c.id))?.dedupKey).toBe('source:s1');
    });

    it('release gives a job back at once without counting an attempt', async () => {
      const { id } = await q.enqueue(job('s1'));
      const r = await q.reserve('c1');
      expect(await q.release(r!)).toBe(true);
      expect(await q.ack(r!)).toBe(false);
      const again = await q.reserve('c2');
      expect(again?.job).toMatchObject({ id, attempts: 1 });
    });

    it('stats count waiting, delayed, in-flight, retries and dead letters', async () => {
      await q.enqueue(job('s1'));
      await q.enqueue(job('s2'));
      await q.enqueue(job('s3', { delayMs: 5000 }));
      await q.enqueue(job('s4'));
      expect(await q.stats()).toEqual({ depth: 4, delayed: 1, inFlight: 0, retries: 0, deadLetters: 0 });
      const r1 = await q.reserve('c1');
      const r2 = await q.reserve('c1');
      const r3 = await q.reserve('c1');
      expect(r3?.job.payload.sourceId).toBe('s4');
      await q.fail(r1!, { message: 'x' });
      await q.fail(r2!, { message: 'y', retryable: false });
      expect(await q.stats()).toEqual({ depth: 2, delayed: 2, inFlight: 1, retries: 1, deadLetters: 1 });
    });

    it('batched: enqueueMany → reserveMany → ackMany deliver each job once, in order, as the single calls do', async () => {
      const queued = await q.enqueueMany([
        job('s1'),
        job('s2', { dedupKey: 'source:s2' }),
        job('s2', { dedupKey: 'source:s2' }),
        job('s3', { delayMs: 5000 }),
        job('s4'),
      ]);
      expect(queued[2]).toEqual({ id: queued[1]!.id, deduplicated: true });
      expect(new Set(queued.map((r) => r.id)).size).toBe(4);
      expect(await q.enqueueMany([])).toEqual([]);
      // One bad job refuses the whole batch before anything is written.
      await expect(q.enqueueMany([job('s5'), job('')])).rejects.toMatchObject({ code: 'invalid_input' });
      expect(await q.stats()).toMatchObject({ depth: 4, delayed: 1 });

      const first = await q.reserveMany('c1', 2);
      expect(first.map((r) => r.job.payload.sourceId)).toEqual(['s1', 's2']);
      expect(first[1]!.job).toMatchObject({ attempts: 1, dedupKey: null });
      const rest = await q.reserveMany('c2', 10);
      expect(rest.map((r) => [r.job.payload.sourceId, r.consumer])).toEqual([['s4', 'c2']]);
      expect(await q.reserveMany('c3', 10)).toEqual([]);
      expect(await q.ackMany([...first, ...rest])).toEqual([true, true, true]);
      expect(await q.ackMany(first)).toEqual([false, false]);
      expect(await q.stats()).toMatchObject({ depth: 1, delayed: 1, inFlight: 0 });
    });

    it('reserveMany takes abandoned jobs first and dead-letters those out of attempts, like reserve', async () => {
      const [a, b] = await q.enqueueMany([job('s1'), job('s2')]);
      const dying = await q.reserveMany('dying', 5);
      expect(dying).toHaveLength(2);
      await h.elapseLeaseTime(visibilityTimeoutMs + 100);
      await q.enqueue(job('s3'));
      const again = await q.reserveMany('c2', 5);
      expect(again.map((r) => [r.job.id, r.job.attempts])).toEqual([
        [a!.id, 2],
        [b!.id, 2],
        [expect.any(String), 1],
      ]);
      expect(await q.ackMany(dying)).toEqual([false, false]); // the lease moved on
      expect(await q.ack(again[0]!)).toBe(true);
      await h.elapseLeaseTime(visibilityTimeoutMs + 100);
      expect((await q.reserveMany('c3', 5)).map((r) => r.job.attempts)).toEqual([3, 2]);
      await h.elapseLeaseTime(visibilityTimeoutMs + 100);
      // b used its three attempts: dead-lettered; the third job comes back a third time.
      const last = await q.reserveMany('c4', 5);
      expect(last.map((r) => r.job.attempts)).toEqual([3]);
      expect((await q.listDeadLetters()).map((d) => d.job.id)).toEqual([b!.id]);
    });

    it('survives a restart: waiting jobs, dead letters and counters are durable', async () => {
      const { id } = await q.enqueue(job('s1', { dedupKey: 'source:s1' }));
      await q.enqueue(job('s2'));
      const r = await q.reserve('c1');
      await q.fail(r!, { message: 'nope', retryable: false });
      await q.enqueue(job('s3'));
      await q.close();

      const reopened = await h.reopen();
      expect(await reopened.stats()).toMatchObject({ depth: 2, deadLetters: 1, inFlight: 0 });
      expect((await reopened.listDeadLetters())[0]?.job.id).toBe(id);
      const next = await reopened.reserve('c9');
      expect(next?.job.payload.sourceId).toBe('s2');
      expect(await reopened.ack(next!)).toBe(true);
      expect((await reopened.reserve('c9'))?.job.payload.sourceId).toBe('s3');
    });
  });
}
