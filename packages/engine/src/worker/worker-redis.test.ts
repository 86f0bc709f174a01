import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedisQueue, deleteRedisPrefix } from '../queue/redis-queue.js';
import type { JobQueue } from '../queue/types.js';
import { createWorker, type Worker } from './worker.js';

const REDIS_URL = process.env.TRIBUTARY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('workers on the Redis Streams queue', () => {
  const prefix = `test:${randomUUID()}:`;
  const queues: JobQueue[] = [];
  const workers: Worker[] = [];
  afterEach(async () => {
    for (const w of workers.splice(0)) await w.stop();
    for (const q of queues.splice(0)) await q.close();
    const admin = new Redis(REDIS_URL);
    await deleteRedisPrefix(admin, prefix);
    await admin.quit();
  });

  it('three workers, each with its own connection and consumer name, run every job exactly once', async () => {
    const open = (): JobQueue => {
      const q = createRedisQueue({ redis: REDIS_URL, prefix, visibilityTimeoutMs: 30_000 });
      queues.push(q);
      return q;
    };
    const producer = open();
    const total = 30;
    for (let i = 0; i < total; i++) {
      await producer.enqueue({ type: 'git:sync', payload: { sourceId: `s${i}`, userId: 'u', options: {} } });
    }
    const runs = new Map<string, string[]>();
    let done = 0;
    let allDone!: () => void;
    const finished = new Promise<void>((r) => (allDone = r));
    for (let w = 0; w < 3; w++) {
      const worker = createWorker({
        queue: open(),
        concurrency: 2,
        pollMs: 20,
        runJob: async (job) => {
          await new Promise((r) => setTimeout(r, 2));
          runs.set(job.payload.sourceId, [...(runs.get(job.payload.sourceId) ?? []), worker.consumerName]);
        },
        onEvent: (e) => {
          if (e.type === 'job_succeeded' && ++done === total) allDone();
        },
      });
      workers.push(worker);
      worker.start();
    }
    await finished;
    expect(runs.size).toBe(total);
    for (const consumers of runs.values()) expect(consumers).toHaveLength(1);
    // The names are unique per worker (hostname-pid-random) and the work was shared.
    expect(new Set(workers.map((w) => w.consumerName)).size).toBe(3);
    expect(new Set([...runs.values()].flat()).size).toBeGreaterThan(1);
    expect(await producer.stats()).toMatchObject({ depth: 0, inFlight: 0, deadLetters: 0 });
  });
});
