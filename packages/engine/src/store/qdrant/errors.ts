import { TributaryError } from '@tributary/sdk';

/**
 * Maps what `@qdrant/js-client-rest` throws to our codes, once. An outage (connection refused or reset, timeout,
 * 5xx) and 429 are retryable, so the embedding backlog keeps its entries and retries later instead of losing them.
 * The client throws `ApiError` (status, data) for non-2xx answers, `QdrantClientResourceExhaustedError` for 429
 * with Retry-After, `QdrantClientTimeoutError`, and fetch's TypeError for network failures.
 */
export function toQdrantError(err: unknown, what: string): TributaryError {
  if (err instanceof TributaryError) return err;
  const e = err as { name?: string; message?: string; status?: unknown; data?: unknown; retry_after?: unknown };
  const detail = (e.data as { status?: { error?: unknown } } | undefined)?.status?.error;
  const reason = typeof detail === 'string' ? detail : (e.message ?? String(err));
  const message = `Qdrant ${what} failed: ${reason}`;
  if (e.name === 'QdrantClientResourceExhaustedError' || e.status === 429)
    return new TributaryError('rate_limited', message, {
      cause: err,
      retryAfterMs: typeof e.retry_after === 'number' ? e.retry_after * 1000 : undefined,
    });
  if (typeof e.status === 'number') {
    if (e.status === 401 || e.status === 403)
      return new TributaryError('auth_invalid', `${message} (check TRIBUTARY_QDRANT_API_KEY)`, { cause: err });
    if (e.status === 404) return new TributaryError('not_found', message, { cause: err });
    if (e.status >= 500 || e.status === 408)
      return new TributaryError('upstream_unavailable', message, { cause: err, retryable: true });
    return new TributaryError('upstream_error', message, { cause: err });
  }
  // No HTTP answer at all: refused, reset, DNS, timeout — Qdrant is down or unreachable.
  return new TributaryError('upstream_unavailable', `Qdrant is unreachable (${what}): ${reason}`, {
    cause: err,
    retryable: true,
  });
}
