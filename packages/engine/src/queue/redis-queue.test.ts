import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { queueContract } from './queue.contract.js';
import { createRedisQueue, deleteRedisPrefix } from './redis-queue.js';
import type { JobQueue } from './types.js';

const REDIS_URL = process.env.TRIBUTARY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
// Leases on Redis run on real time (XAUTOCLAIM min-idle); short, but with room for a loaded CI machine.
const VISIBILITY_MS = 800;

queueContract(
  'redis',
  async ({ clock, maxAttempts, backoff }) => {
    const prefix = `test:${randomUUID()}:`;
    const admin = new Redis(REDIS_URL);
    const opened: JobQueue[] = [];
    // Each handle gets its own connection, so `reopen` is a real new client.
    const open = (): JobQueue => {
      const q = createRedisQueue({
        redis: REDIS_URL,
        prefix,
        clock,
        maxAttempts,
        backoff,
        visibilityTimeoutMs: VISIBILITY_MS,
      });
      opened.push(q);
      return q;
    };
    return {
      queue: open(),
      reopen: async () => open(),
      elapseLeaseTime: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      cleanup: async () => {
        for (const q of opened) await q.close();
        await deleteRedisPrefix(admin, prefix);
        await admin.quit();
      },
    };
  },
  VISIBILITY_MS,
);

describe('redis queue after a Redis restart', () => {
  it('reloads its Lua scripts when the server forgot them (SCRIPT FLUSH, as after a restart)', async () => {
    const prefix = `test:${randomUUID()}:`;
    const admin = new Redis(REDIS_URL);
    const q = createRedisQueue({ redis: REDIS_URL, prefix });
    try {
      await q.enqueue({ type: 'rss:sync', payload: { sourceId: 's1', userId: 'u1', options: {} } });
      await admin.script('FLUSH');
      const r = await q.reserve('c1');
      expect(r?.job.payload.sourceId).toBe('s1');
      expect(await q.ack(r!)).toBe(true);
      // The pipelined batch calls too: every call refused with NOSCRIPT runs once after the reload, none twice.
      await admin.script('FLUSH');
      const payload = (sourceId: string) => ({ type: 'rss:sync', payload: { sourceId, userId: 'u1', options: {} } });
      const queued = await q.enqueueMany([payload('a'), payload('b'), payload('c')]);
      expect(new Set(queued.map((j) => j.id)).size).toBe(3);
      await admin.script('FLUSH');
      const batch = await q.reserveMany('c1', 10);
      expect(batch.map((j) => j.job.payload.sourceId)).toEqual(['a', 'b', 'c']);
      await admin.script('FLUSH');
      expect(await q.ackMany(batch)).toEqual([true, true, true]);
      expect(await q.stats()).toMatchObject({ depth: 0, inFlight: 0 });
    } finally {
      await q.close();
      await deleteRedisPrefix(admin, prefix);
      await admin.quit();
    }
  });
});

describe('redis queue data layout (v2: the job in its stream entry)', () => {
  const payload = (sourceId: string) => ({ sourceId, userId: 'u1', options: {} });

  it('a waiting or leased job is its stream entry alone; a retried one is found by id through the moved map', async () => {
    const prefix = `test:${randomUUID()}:`;
    const admin = new Redis(REDIS_URL);
    const q = createRedisQueue({ redis: REDIS_URL, prefix, backoff: { baseMs: 1, maxMs: 1, jitter: 0 } });
    try {
      const queued = await q.enqueueMany([1, 2, 3].map((n) => ({ type: 'rss:sync', payload: payload(`s${n}`) })));
      const leased = await q.reserveMany('c1', 3);
      // No key per job: the stream and its consumer group hold everything.
      expect((await admin.keys(`${prefix}*`)).sort()).toEqual([`${prefix}jobs`]);
      expect(await q.getJob(queued[0]!.id)).toMatchObject({ attempts: 1, payload: payload('s1') });

      expect(await q.fail(leased[0]!, { message: 'flaky' })).toMatchObject({ outcome: 'retry' });
      await new Promise((resolve) => setTimeout(resolve, 5));
      const again = await q.reserve('c2');
      expect(again?.job).toMatchObject({ id: queued[0]!.id, attempts: 2, lastError: 'flaky' });
      expect(await q.getJob(queued[0]!.id)).toMatchObject({ id: queued[0]!.id, attempts: 2 });
      expect(await admin.hget(`${prefix}jobs:moved`, queued[0]!.id)).not.toBeNull();
      expect(await q.ackMany([again!, leased[1]!, leased[2]!])).toEqual([true, true, true]);
      // Done jobs leave nothing behind (the moved entry included).
      expect(await admin.hlen(`${prefix}jobs:moved`)).toBe(0);
      expect(await q.getJob(queued[0]!.id)).toBeNull();
      expect(await q.stats()).toMatchObject({ depth: 0, inFlight: 0, delayed: 0 });
    } finally {
      await q.close();
      await deleteRedisPrefix(admin, prefix);
      await admin.quit();
    }
  });

  it('drains a queue written by v1 (a hash per job, entries of one field) without losing or repeating a job', async () => {
    const prefix = `test:${randomUUID()}:`;
    const admin = new Redis(REDIS_URL);
    const stream = `${prefix}jobs`;
    const v1Job = async (id: string, fields: Record<string, string | number> = {}) => {
      await admin.hset(`${prefix}jobs:job:${id}`, {
        id,
        type: 'rss:sync',
        payload: JSON.stringify(payload(id)),
        attempts: 0,
        maxAttempts: 3,
        enqueuedAt: '2026-01-01T00:00:00.000Z',
        dedupKey: '',
        lastError: '',
        state: 'queued',
        entry: '',
        consumer: '',
        ...fields,
      });
    };
    try {
      await admin.xgroup('CREATE', stream, 'ingestion-workers', '0', 'MKSTREAM');
      // In flight with a worker of the old version that died (one with attempts left, one out of them), then a
      // waiting job holding its dedup key, and a delayed one (a retry).
      await v1Job('inflight', { attempts: 1, state: 'leased', consumer: 'old-worker' });
      await admin.xadd(stream, '*', 'job', 'inflight');
      await v1Job('exhausted', { attempts: 3, state: 'leased', consumer: 'old-worker' });
      await admin.xadd(stream, '*', 'job', 'exhausted');
      await admin.xreadgroup('GROUP', 'ingestion-workers', 'old-worker', 'COUNT', 2, 'STREAMS', stream, '>');
      await v1Job('waiting', { dedupKey: 'source:w' });
      await admin.set(`${prefix}jobs:dedup:source:w`, 'waiting');
      await admin.xadd(stream, '*', 'job', 'waiting');
      await v1Job('delayed', { attempts: 1, state: 'delayed', lastError: 'x: boom' });
      await admin.zadd(`${prefix}jobs:delayed`, 0, 'delayed');

      const q = createRedisQueue({ redis: REDIS_URL, prefix, visibilityTimeoutMs: 200 });
      try {
        await new Promise((resolve) => setTimeout(resolve, 250));
        const got = new Map<string, number>();
        for (let r = await q.reserve('new'); r; r = await q.reserve('new')) {
          expect(got.has(r.job.id)).toBe(false);
          got.set(r.job.id, r.job.attempts);
          expect(r.job.payload.sourceId).toBe(r.job.id);
          expect(await q.ack(r)).toBe(true);
        }
        expect(Object.fromEntries(got)).toEqual({ waiting: 1, inflight: 2, delayed: 2 });
        expect(await admin.exists(`${prefix}jobs:dedup:source:w`)).toBe(0);
        const dead = await q.listDeadLetters();
        expect(dead.map((d) => [d.job.id, d.job.attempts])).toEqual([['exhausted', 3]]);
        expect(dead[0]!.error).toMatch(/lease expired 3 times \(consumer old-worker/);
        expect((await admin.keys(`${prefix}jobs:job:*`)).sort()).toEqual([`${prefix}jobs:job:exhausted`]);
        expect(await q.stats()).toMatchObject({ depth: 0, inFlight: 0, delayed: 0, deadLetters: 1 });
      } finally {
        await q.close();
      }
    } finally {
      await deleteRedisPrefix(admin, prefix);
      await admin.quit();
    }
  });
});
