import type { BackoffOptions } from './types.js';

/**
 * Delay before retry number `attempt` (1-based): `baseMs * 2^(attempt-1)`, capped at `maxMs`, minus up to
 * `jitter` of itself at random so retries of many jobs spread out. Jitter only shortens, so `maxMs` stays a bound.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? 1000;
  const max = options.maxMs ?? 300_000;
  const jitter = Math.min(1, Math.max(0, options.jitter ?? 0.2));
  const random = options.random ?? Math.random;
  const exp = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  return Math.max(0, Math.round(exp * (1 - jitter * random())));
}

/** The retry delay of a failure: the backoff, or longer when the provider asked for it. */
export function retryDelay(attempt: number, options: BackoffOptions | undefined, retryAfterMs?: number): number {
  return Math.max(backoffDelay(attempt, options), Math.ceil(retryAfterMs ?? 0));
}
