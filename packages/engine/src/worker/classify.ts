import { toTributaryError } from '@tributary/sdk';
import type { FailureInfo } from '../queue/types.js';

/** What the worker does with a job whose `runJob` threw. */
export type FailureDecision = { action: 'fail'; failure: FailureInfo } | { action: 'drop'; reason: string };

/**
 * The queue's layer of the retry policy (docs/architecture.md): it retries only jobs whose run failed retryably,
 * classified once by error code (`toTributaryError` and the table in the SDK's errors.ts):
 * - a retryable code (`upstream_unavailable`, `rate_limited`, `store_unavailable`, `already_running`, …) is retried
 *   with backoff (at least its `retryAfterMs`), and dead-lettered after the job's `maxAttempts`;
 * - a non-retryable code (`invalid_config`, `auth_invalid`, `reauthorization_required`, …) is dead-lettered at once —
 *   retrying cannot fix it, the user must, and the dead letter carries the readable error;
 * - anything unmapped (a plain Error: a bug) maps to `internal`, which the table marks non-retryable: dead-lettered at
 *   once rather than run N more times; a plain network error (ECONNRESET …) maps to retryable `upstream_unavailable`;
 * - `aborted` (the source was paused or the run cancelled, not by this worker's shutdown) is not a failure: the job
 *   is dropped, the source's next trigger resumes from its checkpoint.
 */
export function classifyFailure(err: unknown): FailureDecision {
  const error = toTributaryError(err);
  if (error.code === 'aborted') return { action: 'drop', reason: error.message };
  return {
    action: 'fail',
    failure: {
      message: error.message,
      code: error.code,
      retryable: error.retryable,
      ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
    },
  };
}
