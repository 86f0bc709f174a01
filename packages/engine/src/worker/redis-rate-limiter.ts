import type { Redis } from 'ioredis';
import {
  abortError,
  systemClock,
  TributaryError,
  type Clock,
  type RateLimiter,
  type RateLimitSpec,
} from '@tributary/sdk';

/**
 * Token bucket on the Redis server's clock (`TIME`), so workers on different machines share one budget without
 * trusting each other's clocks. Returns {1, grantTimeMs} or {0, waitMs}. Numbers travel as strings: Lua numbers
 * returned to Redis are truncated to integers, and Lua's tostring keeps only 14 digits (too few for epoch
 * milliseconds with microseconds), hence string.format.
 * A cost above the capacity waits for a full bucket and leaves a debt (tokens below zero) that later callers wait
 * out, so such a call is never refused forever and the average rate holds.
 * KEYS: bucket, pause · ARGV: capacity, refillPerMs, cost, idleTtlMs
 */
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local pausedUntil = tonumber(redis.call('GET', KEYS[2]) or '0')
if pausedUntil > now then return {0, tostring(pausedUntil - now)} end
local capacity, rate, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local tokens = tonumber(redis.call('HGET', KEYS[1], 'tokens') or ARGV[1])
local last = tonumber(redis.call('HGET', KEYS[1], 'ts') or now)
tokens = math.min(capacity, tokens + math.max(0, now - last) * rate)
local need = math.min(cost, capacity)
local granted = tokens >= need
if granted then tokens = tokens - cost end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'ts', string.format('%.3f', now))
redis.call('PEXPIRE', KEYS[1], ARGV[4])
if granted then return {1, string.format('%.3f', now)} end
return {0, tostring((need - tokens) / rate)}
`;

/** Moves the shared pause deadline forward (never back). KEYS: pause · ARGV: ms */
const PAUSE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local until_ = now + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if until_ > current then redis.call('SET', KEYS[1], string.format('%.3f', until_), 'PX', math.ceil(tonumber(ARGV[1])) + 1000) end
return string.format('%.3f', until_)
`;

export interface RedisRateLimiterOptions {
  redis: Redis;
  /** The budget's owner: provider plus account (e.g. `slack:T024BE7LD`); all workers using it share the budget. */
  account: string;
  spec: RateLimitSpec;
  /** @default 'tributary:' */
  prefix?: string;
  /** Used only for waiting. */
  clock?: Clock;
  /** Called with the Redis server time (ms) of each grant: for metrics. */
  onGrant?: (serverTimeMs: number) => void;
}

export interface RedisRateLimiter extends RateLimiter {
  /** `pauseFor`, awaitable: resolves once every worker will see the pause. */
  pause(ms: number): Promise<void>;
}

/**
 * A {@link RateLimiter} whose budget lives in Redis, shared by every worker that uses the same account: N workers
 * together stay within the provider's limit instead of N times it. A 429's `Retry-After` (`pauseFor`) pauses them all.
 */
export function createRedisRateLimiter(options: RedisRateLimiterOptions): RedisRateLimiter {
  const { redis, spec } = options;
  const clock = options.clock ?? systemClock;
  const capacity = Math.max(1, spec.burst ?? spec.requests);
  const refillPerMs = spec.requests / (spec.perSeconds * 1000);
  const base = `${options.prefix ?? 'tributary:'}ratelimit:${options.account}`;
  const bucketKey = base;
  const pauseKey = `${base}:pause`;
  // The bucket is full again after capacity / rate; keep it a little longer, then let Redis drop it.
  const idleTtlMs = String(Math.ceil(capacity / refillPerMs) + 60_000);
  let localPauseUntil = 0;

  const limiter: RedisRateLimiter = {
    async acquire(cost = 1, signal) {
      if (cost > capacity) {
        throw new TributaryError(
          'invalid_input',
          `A request costing ${cost} can never fit a budget of ${capacity}; raise the burst.`,
        );
      }
      let waited = 0;
      for (;;) {
        if (signal?.aborted) throw abortError(signal);
        const localWait = localPauseUntil - clock.now();
        if (localWait > 0) {
          await clock.sleep(localWait, signal);
          waited += localWait;
          continue;
        }
        const [ok, value] = (await redis.eval(
          TAKE,
          2,
          bucketKey,
          pauseKey,
          String(capacity),
          String(refillPerMs),
          String(cost),
          idleTtlMs,
        )) as [number, string];
        if (ok === 1) {
          options.onGrant?.(Number(value));
          return waited;
        }
        const ms = Math.max(1, Math.ceil(Number(value)));
        await clock.sleep(ms, signal);
        waited += ms;
      }
    },
    pauseFor(ms) {
      localPauseUntil = Math.max(localPauseUntil, clock.now() + ms);
      // The local pause applies at once; the shared one follows (a lost write only costs the others one 429).
      void limiter.pause(ms).catch(() => undefined);
    },
    async pause(ms) {
      localPauseUntil = Math.max(localPauseUntil, clock.now() + ms);
      await redis.eval(PAUSE, 1, pauseKey, String(ms));
    },
  };
  return limiter;
}
