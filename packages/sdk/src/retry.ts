import { abortError, systemClock, type Clock } from './clock.js';
import { toTributaryError, TributaryError } from './errors.js';

/**
 * The one retry policy. Classification is by error code (the table in errors.ts, through `toTributaryError`), the
 * budget is attempts and time per operation, delays are exponential with full jitter, and a provider's
 * `Retry-After` wins over the backoff. Which layer applies it to what is stated in docs/architecture.md:
 * the request layer (the HTTP helper and provider clients) retries one failed request; the runner resumes a
 * whole read from its checkpoint; the queue retries jobs whose run failed retryably, then dead-letters them.
 */
export interface RetryBudget {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** No retry starts after this much time since the first attempt (waits included). */
  maxElapsedMs: number;
  /** First backoff; doubles per retry. */
  baseDelayMs: number;
  /** Cap on one backoff. */
  maxDelayMs: number;
  /** A `Retry-After` longer than this is not waited out here: the error goes up for a later, coarser retry. */
  maxRetryAfterMs: number;
}

/**
 * One failed request: at most 4 calls, 2 minutes. A persistently failing endpoint is called exactly
 * `maxAttempts` times per read (the runner does not repeat an exhausted request budget).
 */
export const REQUEST_RETRY_BUDGET: RetryBudget = {
  maxAttempts: 4,
  maxElapsedMs: 120_000,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 300_000,
};

/** Marker in `details` of an error whose request budget is spent: upper layers do not repeat it at once. */
const EXHAUSTED = 'retryBudgetExhausted';

/** Whether a failure is worth retrying, by its code (and the `retryable` override a thrower may set). */
export function isRetryable(err: unknown): boolean {
  return toTributaryError(err).retryable;
}

/** Whether `err` already went through a full request budget (see {@link withRetry}). */
export function isRetryBudgetExhausted(err: unknown): boolean {
  return err instanceof Error && (err as TributaryError).details?.[EXHAUSTED] === true;
}

/** Returns `err` as a TributaryError marked as having spent its request budget after `attempts` calls. */
export function exhaustedError(err: unknown, attempts: number): TributaryError {
  const e = toTributaryError(err);
  return new TributaryError(e.code, e.message, {
    cause: e.cause ?? err,
    retryable: e.retryable,
    ...(e.retryAfterMs !== undefined ? { retryAfterMs: e.retryAfterMs } : {}),
    ...(e.issues ? { issues: e.issues } : {}),
    details: { ...e.details, [EXHAUSTED]: true, attempts },
  });
}

/** Backoff before retry number `retry` (1-based): full jitter over `base * 2^(retry-1)`, capped. */
export function backoffMs(retry: number, budget: RetryBudget, random: () => number = Math.random): number {
  const exp = Math.min(budget.maxDelayMs, budget.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.round(random() * exp);
}

export type RetryDecision = { retry: true; delayMs: number } | { retry: false };

/**
 * Whether attempt number `attempt` (1-based) that failed with `err` gets another, and after how long.
 * `elapsedMs` is the time since the first attempt started.
 */
export function decideRetry(
  err: unknown,
  attempt: number,
  elapsedMs: number,
  budget: RetryBudget,
  random: () => number = Math.random,
): RetryDecision {
  const e = toTributaryError(err);
  if (!e.retryable || e.code === 'aborted' || attempt >= budget.maxAttempts) return { retry: false };
  if (e.retryAfterMs !== undefined && e.retryAfterMs > budget.maxRetryAfterMs) return { retry: false };
  const delayMs = e.retryAfterMs ?? backoffMs(attempt, budget, random);
  if (elapsedMs + delayMs > budget.maxElapsedMs) return { retry: false };
  return { retry: true, delayMs };
}

export interface WithRetryOptions {
  budget?: Partial<RetryBudget>;
  clock?: Clock;
  signal?: AbortSignal;
  random?: () => number;
  /** Called before each wait, e.g. to log or to count a rate-limit wait. */
  onRetry?: (info: { attempt: number; delayMs: number; error: TributaryError }) => void;
}

/**
 * Runs `fn` under the request budget: retryable failures are retried with backoff (or `Retry-After`); when the
 * budget is spent, the last error is thrown marked as exhausted; non-retryable ones are thrown at once.
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: WithRetryOptions = {}): Promise<T> {
  const budget = { ...REQUEST_RETRY_BUDGET, ...options.budget };
  const clock = options.clock ?? systemClock;
  const started = clock.now();
  for (let attempt = 1; ; attempt++) {
    if (options.signal?.aborted) throw abortError(options.signal);
    try {
      return await fn(attempt);
    } catch (err) {
      if (options.signal?.aborted) throw abortError(options.signal);
      const decision = decideRetry(err, attempt, clock.now() - started, budget, options.random);
      if (!decision.retry) throw isRetryable(err) ? exhaustedError(err, attempt) : err;
      options.onRetry?.({ attempt, delayMs: decision.delayMs, error: toTributaryError(err) });
      await clock.sleep(decision.delayMs, options.signal);
    }
  }
}
