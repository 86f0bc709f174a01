import { isTributaryError } from '@tributary/sdk';
import type { FailureInfo } from '../queue/types.js';

/** What the worker does with a job whose `runJob` threw. */
export type FailureDecision = { action: 'fail'; failure: FailureInfo } | { action: 'drop'; reason: string };

/**
 * The worker's retry policy, in one place:
 * - a `TributaryError` follows its own `retryable` flag: a retryable one (`upstream_unavailable`, `rate_limited`,
 *   `already_running`, …) is retried with backoff (at least its `retryAfterMs`); a non-retryable one
 *   (`invalid_config`, `auth_invalid`, `reauthorization_required`, …) is dead-lettered at once — retrying cannot
 *   fix it, the user must, and the dead letter carries the readable error;
 * - `aborted` (the source was paused or the run cancelled, not by this worker's shutdown) is not a failure: the job
 *   is dropped, the source's next trigger resumes from its checkpoint;
 * - anything else (a plain Error: a bug or an unmapped transient failure) is retried up to `maxAttempts`, since we
 *   cannot tell which it was.
 */
export function classifyFailure(err: unknown): FailureDecision {
  if (isTributaryError(err)) {
    if (err.code === 'aborted') return { action: 'drop', reason: err.message };
    return {
      action: 'fail',
      failure: {
        message: err.message,
        code: err.code,
        retryable: err.retryable,
        ...(err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : {}),
      },
    };
  }
  if (err instanceof Error && err.name === 'AbortError') return { action: 'drop', reason: err.message };
  const message = err instanceof Error ? err.message : String(err);
  return { action: 'fail', failure: { message, code: 'internal', retryable: true } };
}
