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
