import { describe, expect, it } from 'vitest';
import type { Clock } from './clock.js';
import { TributaryError } from './errors.js';
import {
  backoffMs,
  decideRetry,
  isRetryable,
  isRetryBudgetExhausted,
  REQUEST_RETRY_BUDGET,
  withRetry,
} from './retry.js';

/** A clock whose sleeps pass at once, recording how long they were. */
function instantClock(): Clock & { slept: number[] } {
  let t = 0;
  const slept: number[] = [];
  return { now: () => t, sleep: async (ms) => void (slept.push(ms), (t += ms)), slept };
}

const budget = { ...REQUEST_RETRY_BUDGET, baseDelayMs: 100, maxDelayMs: 1000 };

describe('the retry policy', () => {
  it('classifies by error code: the error table decides, plain errors are not retried', () => {
    expect(isRetryable(new TributaryError('upstream_unavailable', 'x'))).toBe(true);
    expect(isRetryable(new TributaryError('store_unavailable', 'x'))).toBe(true);
    expect(isRetryable(new TributaryError('auth_invalid', 'x'))).toBe(false);
    expect(isRetryable(new TributaryError('upstream_error', 'x', { retryable: true }))).toBe(true);
    expect(isRetryable(new Error('a bug'))).toBe(false);
    expect(isRetryable(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toBe(true);
  });

  it('backs off exponentially with full jitter, capped', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffMs(n, budget, () => 1))).toEqual([100, 200, 400, 800, 1000]);
    expect(backoffMs(3, budget, () => 0.5)).toBe(200);
  });

  it('respects Retry-After, the attempt budget and the time budget', () => {
    const limited = new TributaryError('rate_limited', 'slow', { retryAfterMs: 7000 });
    expect(decideRetry(limited, 1, 0, budget)).toEqual({ retry: true, delayMs: 7000 });
    expect(decideRetry(limited, budget.maxAttempts, 0, budget)).toEqual({ retry: false });
    expect(decideRetry(limited, 1, budget.maxElapsedMs - 6000, budget)).toEqual({ retry: false });
    const tooLong = new TributaryError('rate_limited', 'slow', { retryAfterMs: budget.maxRetryAfterMs + 1 });
    expect(decideRetry(tooLong, 1, 0, budget)).toEqual({ retry: false });
    expect(decideRetry(new TributaryError('auth_invalid', 'no'), 1, 0, budget)).toEqual({ retry: false });
  });

  it('withRetry calls a persistently failing operation exactly maxAttempts times, then marks it exhausted', async () => {
    const clock = instantClock();
    let calls = 0;
    const err = await withRetry(
      async () => {
        calls++;
        throw new TributaryError('upstream_unavailable', 'down');
      },
      { clock, budget, random: () => 1 },
    ).catch((e: unknown) => e);
    expect(calls).toBe(REQUEST_RETRY_BUDGET.maxAttempts);
    expect(clock.slept).toEqual([100, 200, 400]);
    expect(err).toMatchObject({ code: 'upstream_unavailable', details: { attempts: 4 } });
    expect(isRetryBudgetExhausted(err)).toBe(true);
  });

  it('withRetry does not retry a non-retryable failure and passes it through unmarked', async () => {
    let calls = 0;
    const err = await withRetry(
      async () => {
        calls++;
        throw new TributaryError('permission_denied', 'no scope');
      },
      { clock: instantClock() },
    ).catch((e: unknown) => e);
    expect(calls).toBe(1);
    expect(isRetryBudgetExhausted(err)).toBe(false);
  });
});
