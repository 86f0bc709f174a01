import type { Redis } from 'ioredis';
import { loadIoredis } from '../lazy-require.js';
import { systemClock, type Clock } from '@tributary/sdk';
import { retryDelay } from './backoff.js';
import { failureText, newJobId, validateEnqueue } from './job-input.js';
import {
  ACK,
  ACK_MANY,
  ENQUEUE,
  ENQUEUE_MANY,
  FAIL,
  HEARTBEAT,
  RELEASE,
  REQUEUE,
  DISCARD,
  RESERVE,
  RESERVE_MANY,
} from './redis-scripts.js';
import { luaScript } from './redis-script.js';

const scripts = {
  enqueue: luaScript(ENQUEUE),
  reserve: luaScript(RESERVE),
  reserveMany: luaScript(RESERVE_MANY),
  enqueueMany: luaScript(ENQUEUE_MANY),
  ackMany: luaScript(ACK_MANY),
  heartbeat: luaScript(HEARTBEAT),
  ack: luaScript(ACK),
  fail: luaScript(FAIL),
  release: luaScript(RELEASE),
  requeue: luaScript(REQUEUE),
  discard: luaScript(DISCARD),
};
import type { DeadLetter, EnqueueResult, JobQueue, QueueOptions, QueueStats, ReservedJob, SyncJob } from './types.js';

export interface RedisQueueOptions extends QueueOptions {
  /** A connection to use (the caller closes it) or a `redis://` URL (the queue opens and closes its own). */
  redis: Redis | string;
  /** Prefix of every key; tests use a unique one. @default 'ingestion:' (stream `ingestion:jobs`) */
  prefix?: string;
  /** @default 'ingestion-workers' */
  group?: string;
  /**
   * Backoff and delay times (the delayed sorted set's scores) come from here. Lease idle times are Redis's own
   * real milliseconds (XAUTOCLAIM min-idle = the visibility timeout).
   */
  clock?: Clock;
}

/** Key names under a prefix, exported for tools (and tests that clean up). */
export function redisQueueKeys(prefix = 'ingestion:') {
  return {
    stream: `${prefix}jobs`,
    dead: `${prefix}jobs:dead`,
    delayed: `${prefix}jobs:delayed`,
    counters: `${prefix}jobs:counters`,
    jobPrefix: `${prefix}jobs:job:`,
    dedupPrefix: `${prefix}jobs:dedup:`,
  };
}

const toJob = (flat: string[] | Record<string, string>): SyncJob => {
  let h: Record<string, string>;
  if (Array.isArray(flat)) {
    h = {};
    for (let i = 0; i + 1 < flat.length; i += 2) h[flat[i]!] = flat[i + 1]!;
  } else h = flat;
  return {
    id: h.id ?? '',
    type: h.type ?? '',
    payload: JSON.parse(h.payload ?? '{}') as SyncJob['payload'],
    attempts: Number(h.attempts ?? 0),
    maxAttempts: Number(h.maxAttempts ?? 0),
    enqueuedAt: h.enqueuedAt ?? '',
    lastError: h.lastError ? h.lastError : null,
    dedupKey: h.dedupKey ? h.dedupKey : null,
  };
};

/**
 * The distributed queue on Redis Streams: stream `<prefix>jobs`, consumer group `ingestion-workers`, a delayed
 * sorted set for retry backoff, a dead-letter stream `<prefix>jobs:dead`, dedup keys set with NX. Jobs of dead
 * consumers are recovered with XAUTOCLAIM once idle for the visibility timeout.
 */
export function createRedisQueue(options: RedisQueueOptions): JobQueue {
  const own = typeof options.redis === 'string';
  const redis =
    typeof options.redis === 'string'
      ? new (loadIoredis().Redis)(options.redis, { lazyConnect: false })
      : options.redis;
  const keys = redisQueueKeys(options.prefix);
  const group = options.group ?? 'ingestion-workers';
  const clock = options.clock ?? systemClock;
  const visibilityMs = options.visibilityTimeoutMs ?? 30_000;
  const defaultMaxAttempts = options.maxAttempts ?? 5;
  const iso = (ms: number): string => new Date(ms).toISOString();
  const jobKey = (id: string): string => keys.jobPrefix + id;

  let groupReady: Promise<void> | null = null;
  const ensureGroup = (): Promise<void> =>
    (groupReady ??= redis.xgroup('CREATE', keys.stream, group, '0', 'MKSTREAM').then(
      () => undefined,
      (err: Error) => {
        if (!/BUSYGROUP/.test(err.message)) {
          groupReady = null;
          throw err;
        }
      },
    ));

  const lease = (r: ReservedJob): string[] => [r.receipt, r.consumer, String(r.job.attempts), group];

  const toReserved = (flat: string[], consumer: string): ReservedJob => {
    const h: Record<string, string> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) h[flat[i]!] = flat[i + 1]!;
    return { job: toJob(h), consumer, receipt: h.entry ?? '' };
  };
  // Pipelines and multi-job scripts stay under this many jobs: a bounded reply, and Lua's stack limit for unpack.
  const BATCH = 1000;
  const withNoGroupRetry = async <T>(fn: () => Promise<T>): Promise<T> => {
    await ensureGroup();
    try {
      return await fn();
    } catch (err) {
      // The stream or group was deleted under us (FLUSHALL, a manual cleanup): recreate it once.
      if (!/NOGROUP/.test((err as Error).message)) throw err;
      groupReady = null;
      await ensureGroup();
      return fn();
    }
  };

  const reserveOnce = async (consumer: string): Promise<ReservedJob | null> => {
    const now = clock.now();
    const flat = (await scripts.reserve.run(
      redis,
      [keys.stream, keys.delayed, keys.dead],
      [group, consumer, String(now), String(visibilityMs), keys.jobPrefix, keys.dedupPrefix, iso(now)],
    )) as string[] | null;
    if (!flat) return null;
    const h: Record<string, string> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) h[flat[i]!] = flat[i + 1]!;
    return { job: toJob(h), consumer, receipt: h.entry ?? '' };
  };

  return {
    backend: 'redis',
    async enqueue(input) {
      validateEnqueue(input);
      await ensureGroup();
      const id = newJobId();
      const now = clock.now();
      const delay = input.delayMs ?? 0;
      const dedup = input.dedupKey ? keys.dedupPrefix + input.dedupKey : '';
      const [resultId, dup] = (await scripts.enqueue.run(
        redis,
        [keys.stream, keys.delayed, jobKey(id), dedup],
        [
          id,
          input.type,
          JSON.stringify(input.payload),
          String(input.maxAttempts ?? defaultMaxAttempts),
          iso(now),
          input.dedupKey ?? '',
          String(delay > 0 ? now + delay : 0),
        ],
      )) as [string, number];
      return { id: resultId, deduplicated: dup === 1 };
    },
    async enqueueMany(inputs) {
      for (const input of inputs) validateEnqueue(input);
      await ensureGroup();
      const out: EnqueueResult[] = [];
      for (let from = 0; from < inputs.length; from += BATCH) {
        const now = clock.now();
        const args: string[] = [keys.jobPrefix, keys.dedupPrefix, iso(now)];
        for (const input of inputs.slice(from, from + BATCH)) {
          const delay = input.delayMs ?? 0;
          args.push(
            newJobId(),
            input.type,
            JSON.stringify(input.payload),
            String(input.maxAttempts ?? defaultMaxAttempts),
            input.dedupKey ?? '',
            String(delay > 0 ? now + delay : 0),
          );
        }
        const flat = (await scripts.enqueueMany.run(redis, [keys.stream, keys.delayed], args)) as Array<
          string | number
        >;
        for (let i = 0; i + 1 < flat.length; i += 2) out.push({ id: String(flat[i]), deduplicated: flat[i + 1] === 1 });
      }
      return out;
    },
    async reserveMany(consumer, max) {
      const want = Math.min(BATCH, Math.floor(max));
      if (!(want >= 1)) return [];
      return withNoGroupRetry(async () => {
        const now = clock.now();
        const flats = (await scripts.reserveMany.run(
          redis,
          [keys.stream, keys.delayed, keys.dead],
          [
            group,
            consumer,
            String(now),
            String(visibilityMs),
            keys.jobPrefix,
            keys.dedupPrefix,
            iso(now),
            String(want),
          ],
        )) as string[][];
        return flats.map((flat) => toReserved(flat, consumer));
      });
    },
    async ackMany(reserved) {
      const out: boolean[] = [];
      for (let from = 0; from < reserved.length; from += BATCH) {
        const args: string[] = [group, keys.jobPrefix];
        for (const r of reserved.slice(from, from + BATCH))
          args.push(r.job.id, r.receipt, r.consumer, String(r.job.attempts));
        const flags = (await scripts.ackMany.run(redis, [keys.stream], args)) as number[];
        for (const f of flags) out.push(f === 1);
      }
      return out;
    },
    async reserve(consumer) {
      await ensureGroup();
      try {
        return await reserveOnce(consumer);
      } catch (err) {
        // The stream or group was deleted under us (FLUSHALL, a manual cleanup): recreate it once.
        if (!/NOGROUP/.test((err as Error).message)) throw err;
        groupReady = null;
        await ensureGroup();
        return reserveOnce(consumer);
      }
    },
    async heartbeat(r) {
      return (await scripts.heartbeat.run(redis, [jobKey(r.job.id), keys.stream], lease(r))) === 1;
    },
    async ack(r) {
      return (await scripts.ack.run(redis, [jobKey(r.job.id), keys.stream], lease(r))) === 1;
    },
    async fail(r, failure) {
      const delayMs = retryDelay(r.job.attempts, options.backoff, failure.retryAfterMs);
      const now = clock.now();
      const result = await scripts.fail.run(
        redis,
        [jobKey(r.job.id), keys.stream, keys.delayed, keys.dead, keys.counters],
        [...lease(r), failureText(failure), failure.retryable === false ? '0' : '1', String(now + delayMs), iso(now)],
      );
      if (result === 1) return { outcome: 'retry', delayMs };
      if (result === 2) return { outcome: 'dead' };
      return { outcome: 'lost' };
    },
    async release(r) {
      return (await scripts.release.run(redis, [jobKey(r.job.id), keys.stream], lease(r))) === 1;
    },
    async listDeadLetters(opts = {}): Promise<DeadLetter[]> {
      const entries = await redis.xrange(keys.dead, '-', '+', 'COUNT', opts.limit ?? 100);
      if (entries.length === 0) return [];
      const pipeline = redis.pipeline();
      for (const [, fields] of entries) pipeline.hgetall(jobKey(fields[1] ?? ''));
      const hashes = (await pipeline.exec()) ?? [];
      const letters: DeadLetter[] = [];
      hashes.forEach(([err, h], i) => {
        const fields = entries[i]![1];
        const hash = h as Record<string, string>;
        if (err || !hash || !hash.id) return;
        letters.push({ job: toJob(hash), failedAt: hash.failedAt ?? '', error: fields[3] ?? hash.lastError ?? '' });
      });
      return letters;
    },
    async requeueDeadLetter(jobId) {
      await ensureGroup();
      return (await scripts.requeue.run(redis, [jobKey(jobId), keys.dead, keys.stream], [jobId])) === 1;
    },
    async discardDeadLetter(jobId) {
      return (await scripts.discard.run(redis, [jobKey(jobId), keys.dead], [jobId])) === 1;
    },
    async getJob(jobId) {
      const h = await redis.hgetall(jobKey(jobId));
      return h.id ? toJob(h) : null;
    },
    async stats(): Promise<QueueStats> {
      await ensureGroup();
      const res = (await redis
        .multi()
        .xlen(keys.stream)
        .xpending(keys.stream, group)
        .zcard(keys.delayed)
        .hget(keys.counters, 'retries')
        .xlen(keys.dead)
        .exec()) as Array<[Error | null, unknown]>;
      const [len, pending, delayed, retries, dead] = res.map(([err, v]) => {
        if (err) throw err;
        return v;
      });
      const inFlight = Number((pending as [number])[0] ?? 0);
      return {
        depth: Number(len) - inFlight + Number(delayed),
        delayed: Number(delayed),
        inFlight,
        retries: Number(retries ?? 0),
        deadLetters: Number(dead),
      };
    },
    async close() {
      if (own) await redis.quit().catch(() => undefined);
    },
  };
}

/** Deletes every key under a prefix (tests, `tributary` maintenance). Never call it with the production prefix lightly. */
export async function deleteRedisPrefix(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (found.length > 0) deleted += await redis.del(...found);
  } while (cursor !== '0');
  return deleted;
}
