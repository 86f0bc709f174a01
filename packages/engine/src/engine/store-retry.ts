import { withRetry, type Clock, type Logger } from '@tributary/sdk';

/**
 * Runs a store call that must not be lost to a short database outage (finishing a run: a run must never stay
 * `running` because PostgreSQL restarted at that moment). A store's only retryable failure is `store_unavailable`
 * (the PostgreSQL boundary maps connection loss to it): retried with backoff for up to `outageMs`; anything else is
 * thrown at once.
 */
export function whileStoreDown<T>(
  fn: () => Promise<T>,
  options: { clock: Clock; outageMs: number; logger?: Logger },
): Promise<T> {
  return withRetry(fn, {
    clock: options.clock,
    budget: {
      maxAttempts: Number.POSITIVE_INFINITY,
      maxElapsedMs: options.outageMs,
      baseDelayMs: 500,
      maxDelayMs: 5000,
    },
    onRetry: ({ attempt, delayMs, error }) =>
      options.logger?.warn('store unavailable; retrying', { attempt, delayMs, error: error.message }),
  });
}
