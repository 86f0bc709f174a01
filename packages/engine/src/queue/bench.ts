import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { loadIoredis } from '../lazy-require.js';
import { createRedisQueue, deleteRedisPrefix } from './redis-queue.js';
import { createSqliteQueue } from './sqlite-queue.js';
import type { JobQueue } from './types.js';

export interface QueueBenchResult {
  backend: string;
  jobs: number;
  jobsPerSec: number;
  /** Redis only: XADD / XREADGROUP / XACK of the same count, pipelined, in the same run. */
  rawBaselinePerSec?: number;
  /** enqueueMany / reserveMany / ackMany in batches of 1000, one consumer: the same shape as the raw baseline. */
  batchedPerSec?: number;
  /** batchedPerSec / rawBaselinePerSec: what the queue's bookkeeping (Lua, hashes, leases) costs. */
  ratio?: number;
  /** Why a backend was not measured (Redis unreachable). */
  error?: string;
}

export interface QueueBenchOptions {
  /** @default 20000 */
  jobs?: number;
  /** @default TRIBUTARY_REDIS_URL or redis://127.0.0.1:6379 */
  redisUrl?: string;
  /** Enqueuers and consumers working at once. @default 16 */
  concurrency?: number;
}

/** Runs `fn` `n` times with at most `concurrency` in flight. */
async function pool(n: number, concurrency: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, concurrency) }, async () => {
      while (next < n) await fn(next++);
    }),
  );
}

/** Enqueues `jobs`, then reserves and acks them all; returns jobs per second over the whole cycle. */
async function cycle(queue: JobQueue, jobs: number, concurrency: number): Promise<number> {
  const started = performance.now();
  await pool(jobs, concurrency, async (i) => {
    await queue.enqueue({ type: 'bench:sync', payload: { sourceId: `s${i}`, userId: 'bench', options: {} } });
  });
  let done = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, c) => {
      for (;;) {
        const r = await queue.reserve(`bench-${c}`);
        if (!r) return;
        await queue.ack(r);
        done++;
      }
    }),
  );
  if (done !== jobs) throw new Error(`bench: acked ${done} of ${jobs} jobs`);
  return jobs / ((performance.now() - started) / 1000);
}

/** The same cycle through the batch calls, 1000 jobs per call, as a scheduler and a busy worker would use them. */
async function cycleBatched(queue: JobQueue, jobs: number, batch = 1000): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < jobs; i += batch) {
    await queue.enqueueMany(
      Array.from({ length: Math.min(batch, jobs - i) }, (_, k) => ({
        type: 'bench:sync',
        payload: { sourceId: `s${i + k}`, userId: 'bench', options: {} },
      })),
    );
  }
  let done = 0;
  for (;;) {
    const leased = await queue.reserveMany('bench', batch);
    if (!leased.length) break;
    done += (await queue.ackMany(leased)).filter(Boolean).length;
  }
  if (done !== jobs) throw new Error(`bench: batched cycle acked ${done} of ${jobs} jobs`);
  return jobs / ((performance.now() - started) / 1000);
}

/** The floor: the same stream traffic with plain commands, pipelined in batches. */
async function rawRedisBaseline(redis: Redis, jobs: number): Promise<number> {
  const stream = `bench:${randomUUID()}:raw`;
  const group = 'bench';
  await redis.xgroup('CREATE', stream, group, '0', 'MKSTREAM');
  const batch = 1000;
  const started = performance.now();
  try {
    for (let i = 0; i < jobs; i += batch) {
      const p = redis.pipeline();
      for (let j = i; j < Math.min(jobs, i + batch); j++) p.xadd(stream, '*', 'job', `s${j}`);
      await p.exec();
    }
    let acked = 0;
    while (acked < jobs) {
      const res = (await redis.xreadgroup('GROUP', group, 'c', 'COUNT', batch, 'STREAMS', stream, '>')) as Array<
        [string, Array<[string, string[]]>]
      > | null;
      const entries = res?.[0]?.[1] ?? [];
      if (entries.length === 0) break;
      const p = redis.pipeline();
      for (const [id] of entries) p.xack(stream, group, id);
      await p.exec();
      acked += entries.length;
    }
    if (acked !== jobs) throw new Error(`bench: raw baseline acked ${acked} of ${jobs}`);
    return jobs / ((performance.now() - started) / 1000);
  } finally {
    await redis.del(stream);
  }
}

/**
 * Queue throughput for `npm run bench`: enqueue → reserve → ack of 20k jobs through each backend, and for Redis a
 * same-run raw XADD/XREADGROUP/XACK baseline. Cleans up its temp file and keys.
 */
export async function benchQueues(options: QueueBenchOptions = {}): Promise<QueueBenchResult[]> {
  const jobs = options.jobs ?? 20_000;
  const concurrency = options.concurrency ?? 16;
  const results: QueueBenchResult[] = [];

  const dir = mkdtempSync(path.join(tmpdir(), 'tributary-bench-queue-'));
  const sqlite = createSqliteQueue({ path: path.join(dir, 'queue.db') });
  try {
    results.push({
      backend: 'sqlite',
      jobs,
      jobsPerSec: Math.round(await cycle(sqlite, jobs, concurrency)),
      batchedPerSec: Math.round(await cycleBatched(sqlite, jobs)),
    });
  } finally {
    await sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  }

  const url = options.redisUrl ?? process.env.TRIBUTARY_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const redis = new (loadIoredis().Redis)(url, {
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
    lazyConnect: true,
  });
  const prefix = `bench:${randomUUID()}:`;
  try {
    await redis.connect();
    const queue = createRedisQueue({ redis, prefix });
    const perSec = await cycle(queue, jobs, concurrency);
    await deleteRedisPrefix(redis, prefix);
    const batched = await cycleBatched(queue, jobs);
    await deleteRedisPrefix(redis, prefix);
    const raw = await rawRedisBaseline(redis, jobs);
    results.push({
      backend: 'redis',
      jobs,
      jobsPerSec: Math.round(perSec),
      batchedPerSec: Math.round(batched),
      rawBaselinePerSec: Math.round(raw),
      ratio: Math.round((batched / raw) * 1000) / 1000,
    });
  } catch (err) {
    results.push({ backend: 'redis', jobs: 0, jobsPerSec: 0, error: (err as Error).message });
  } finally {
    await deleteRedisPrefix(redis, prefix).catch(() => undefined);
    redis.disconnect();
  }
  return results;
}
