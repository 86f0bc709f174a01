import type { Redis } from 'ioredis';
import { loadIoredis } from '../lazy-require.js';
import { systemClock, type Clock } from '@tributary/sdk';
import { retryDelay } from './backoff.js';
import { failureText, newJobId, validateEnqueue } from './job-input.js';
import {
  ACK_MANY,
  DISCARD,
  ENQUEUE_MANY,
  FAIL,
  GET_JOB,
  HEARTBEAT,
  RELEASE,
  REQUEUE,
  RESERVE_MANY,
} from './redis-scripts.js';
import { luaScript } from './redis-script.js';

const scripts = {
  enqueueMany: luaScript(ENQUEUE_MANY),
  reserveMany: luaScript(RESERVE_MANY),
  ackMany: luaScript(ACK_MANY),
  heartbeat: luaScript(HEARTBEAT),
  fail: luaScript(FAIL),
  release: luaScript(RELEASE),
  requeue: luaScript(REQUEUE),
  discard: luaScript(DISCARD),
  getJob: luaScript(GET_JOB),
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
    /** Job id → stream entry, for jobs whose entry id is not their id (retried, released, requeued). */
    moved: `${prefix}jobs:moved`,
    jobPrefix: `${prefix}jobs:job:`,
    dedupPrefix: `${prefix}jobs:dedup:`,
  };
}

/** A job from its hash form (delayed jobs, dead letters, `getJob`). */
const toJob = (flat: string[] | Record<string, string>): SyncJob => {
  let h: Record<string, string>;
  if (Array.isArray(flat)) {
    h = {};
    for (let i = 0; i + 1 < flat.length; i += 2) h[flat[i]!] = String(flat[i + 1]);
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
 * The lease handle: the stream entry and the delivery count it was given. A reclaim by another consumer raises the
 * count, so a consumer whose lease expired cannot touch the job even under the same consumer name.
 */
const receiptOf = (entry: string, deliveries: number): string => `${entry}/${deliveries}`;
const parseReceipt = (receipt: string): [entry: string, deliveries: string] => {
  const slash = receipt.lastIndexOf('/');
  return slash < 0 ? [receipt, '0'] : [receipt.slice(0, slash), receipt.slice(slash + 1)];
};

/** One job of RESERVE_MANY's reply: entry, id, type, payload, attempts, maxAttempts, enqueuedAt, lastError, deliveries. */
type ReservedRow = [string, string, string, string, number, string, string, string, number];

/**
 * The distributed queue on Redis Streams: stream `<prefix>jobs` that carries each job (see redis-scripts.ts for the
 * layout), consumer group `ingestion-workers` whose pending list is the lease, a delayed sorted set for retry backoff,
 * a dead-letter stream `<prefix>jobs:dead`, dedup keys. Jobs of dead consumers are reclaimed once idle for the
 * visibility timeout. Every operation is one Lua call (per 1,000 jobs for the batch calls).
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
  /** The lease arguments every lease script starts with: entry, consumer, deliveries, group. */
  const lease = (r: ReservedJob): string[] => {
    const [entry, deliveries] = parseReceipt(r.receipt);
    return [entry, r.consumer, deliveries, group];
  };

  const toReserved = (row: ReservedRow, consumer: string): ReservedJob => ({
    job: {
      id: row[1],
      type: row[2],
      payload: JSON.parse(row[3]) as SyncJob['payload'],
      attempts: Number(row[4]),
      maxAttempts: Number(row[5]),
      enqueuedAt: row[6],
      lastError: row[7] ? row[7] : null,
      dedupKey: null,
    },
    consumer,
    receipt: receiptOf(row[0], Number(row[8])),
  });

  const queue: JobQueue = {
    backend: 'redis',
    async enqueue(input) {
      return (await queue.enqueueMany([input]))[0]!;
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
            // A job waiting for a delay has no stream entry yet to take its id from.
            delay > 0 ? newJobId() : '',
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
    async reserve(consumer) {
      return (await queue.reserveMany(consumer, 1))[0] ?? null;
    },
    async reserveMany(consumer, max) {
      const want = Math.min(BATCH, Math.floor(max));
      if (!(want >= 1)) return [];
      return withNoGroupRetry(async () => {
        const now = clock.now();
        const rows = (await scripts.reserveMany.run(
          redis,
          [keys.stream, keys.delayed, keys.dead, keys.moved],
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
        )) as ReservedRow[];
        return rows.map((row) => toReserved(row, consumer));
      });
    },
    async ack(r) {
      return (await queue.ackMany([r]))[0]!;
    },
    async ackMany(reserved) {
      const out: boolean[] = [];
      for (let from = 0; from < reserved.length; from += BATCH) {
        const args: string[] = [group];
        for (const r of reserved.slice(from, from + BATCH)) {
          const [entry, deliveries] = parseReceipt(r.receipt);
          args.push(r.job.id, entry, r.consumer, deliveries);
        }
        const flags = (await scripts.ackMany.run(redis, [keys.stream, keys.moved], args)) as number[];
        for (const f of flags) out.push(f === 1);
      }
      return out;
    },
    async heartbeat(r) {
      return (await scripts.heartbeat.run(redis, [keys.stream], lease(r))) === 1;
    },
    async fail(r, failure) {
      const delayMs = retryDelay(r.job.attempts, options.backoff, failure.retryAfterMs);
      const now = clock.now();
      const result = await scripts.fail.run(
        redis,
        [keys.stream, keys.delayed, keys.dead, keys.counters, keys.moved],
        [
          ...lease(r),
          keys.jobPrefix,
          r.job.id,
          String(r.job.attempts),
          failureText(failure),
          failure.retryable === false ? '0' : '1',
          String(now + delayMs),
          iso(now),
        ],
      );
      if (result === 1) return { outcome: 'retry', delayMs };
      if (result === 2) return { outcome: 'dead' };
      return { outcome: 'lost' };
    },
    async release(r) {
      return (
        (await scripts.release.run(
          redis,
          [keys.stream, keys.moved],
          [...lease(r), r.job.id, String(r.job.attempts)],
        )) === 1
      );
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
      return (await scripts.requeue.run(redis, [jobKey(jobId), keys.dead, keys.stream, keys.moved], [jobId])) === 1;
    },
    async discardDeadLetter(jobId) {
      return (await scripts.discard.run(redis, [jobKey(jobId), keys.dead], [jobId])) === 1;
    },
    async getJob(jobId) {
      await ensureGroup();
      const flat = (await scripts.getJob.run(redis, [jobKey(jobId), keys.stream, keys.moved], [jobId, group])) as
        string[] | null;
      return flat ? toJob(flat) : null;
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
  return queue;
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
