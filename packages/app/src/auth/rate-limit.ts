import { TributaryError } from '@tributary/sdk';

export interface RateLimitOptions {
  /** Requests a token may make in a burst. @default 600 */
  burst: number;
  /** Sustained requests per second per token. @default 100 */
  perSecond: number;
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = { burst: 600, perSecond: 100 };

/**
 * A token bucket per API token, in memory (per process). `take(key)` consumes one request or throws
 * `rate_limited` with the time until the next request is allowed.
 */
export function createRequestLimiter(options: RateLimitOptions, now: () => number = Date.now) {
  const buckets = new Map<string, { tokens: number; last: number }>();
  const refillPerMs = options.perSecond / 1000;
  return {
    take(key: string): void {
      const t = now();
      const b = buckets.get(key) ?? { tokens: options.burst, last: t };
      b.tokens = Math.min(options.burst, b.tokens + (t - b.last) * refillPerMs);
      b.last = t;
      buckets.set(key, b);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return;
      }
      const retryAfterMs = Math.ceil((1 - b.tokens) / refillPerMs);
      throw new TributaryError(
        'rate_limited',
        `Too many requests for this token; retry in ${Math.ceil(retryAfterMs / 1000)} s.`,
        {
          retryAfterMs,
        },
      );
    },
  };
}

export type RequestLimiter = ReturnType<typeof createRequestLimiter>;
