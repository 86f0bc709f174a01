import { systemClock, type Clock } from './clock.js';

/**
 * A budget of requests. The SDK ships an in-process token bucket; the engine provides a Redis-backed one in
 * distributed mode so N workers share one provider budget instead of multiplying it.
 */
export interface RateLimiter {
  /** Waits until `cost` tokens are available and takes them. Resolves with the milliseconds waited. */
  acquire(cost?: number, signal?: AbortSignal): Promise<number>;
  /** Tells the limiter the provider asked for a pause (429 Retry-After, a reset header): everyone waits. */
  pauseFor(ms: number): void;
}

/** A documented provider limit, as declared in a manifest. */
export interface RateLimitSpec {
  /** Requests allowed per `perSeconds`. */
  requests: number;
  perSeconds: number;
  /** Extra burst above the steady rate. @default requests */
  burst?: number;
  /** Free text: where the limit is documented. */
  description?: string;
}

export function createTokenBucket(spec: RateLimitSpec, clock: Clock = systemClock): RateLimiter {
  const capacity = Math.max(1, spec.burst ?? spec.requests);
  const refillPerMs = spec.requests / (spec.perSeconds * 1000);
  let tokens = capacity;
  let last = clock.now();
  let pausedUntil = 0;
  // Serialize waiters so a burst of callers is served in order and never overdraws.
  let queue: Promise<unknown> = Promise.resolve();

  const refill = (): void => {
    const now = clock.now();
    tokens = Math.min(capacity, tokens + (now - last) * refillPerMs);
    last = now;
  };

  return {
    acquire(cost = 1, signal) {
      const run = async (): Promise<number> => {
        let waited = 0;
        for (;;) {
          const now = clock.now();
          if (pausedUntil > now) {
            const ms = pausedUntil - now;
            await clock.sleep(ms, signal);
            waited += ms;
            continue;
          }
          refill();
          // A call dearer than the whole bucket (Gmail's users.watch: 100 units, burst 10) waits for a full bucket
          // and leaves a debt the next callers wait out, so the average rate still holds and it never waits forever.
          const need = Math.min(cost, capacity);
          if (tokens >= need) {
            tokens -= cost;
            return waited;
          }
          const ms = Math.ceil((need - tokens) / refillPerMs);
          await clock.sleep(ms, signal);
          waited += ms;
        }
      };
      const result = queue.then(run, run);
      queue = result.catch(() => undefined);
      return result;
    },
    pauseFor(ms) {
      pausedUntil = Math.max(pausedUntil, clock.now() + ms);
    },
  };
}

/** A limiter that never waits (local files, tests). */
export const unlimited: RateLimiter = { acquire: async () => 0, pauseFor: () => undefined };
