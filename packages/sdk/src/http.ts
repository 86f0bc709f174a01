import { abortError, systemClock, type Clock } from './clock.js';
import { TributaryError } from './errors.js';
import type { Logger } from './logger.js';
import { silentLogger } from './logger.js';
import { unlimited, type RateLimiter } from './rate-limiter.js';
import { decideRetry, exhaustedError, REQUEST_RETRY_BUDGET, type RetryBudget } from './retry.js';

export interface HttpOptions {
  /** Attempts after the first for retryable failures. @default REQUEST_RETRY_BUDGET.maxAttempts - 1 (3) */
  retries?: number;
  /** First backoff delay; doubles each attempt, with full jitter. @default 500 */
  baseDelayMs?: number;
  /** Cap on one backoff delay. @default 30000 */
  maxDelayMs?: number;
  /** Longest `Retry-After` we honour before giving up with `rate_limited`. @default 300000 */
  maxRetryAfterMs?: number;
  /** No retry starts after this long since the first attempt. @default 120000 */
  maxElapsedMs?: number;
  /** Per-request timeout. @default 60000 */
  timeoutMs?: number;
  rateLimiter?: RateLimiter;
  clock?: Clock;
  logger?: Logger;
  signal?: AbortSignal;
  fetch?: typeof globalThis.fetch;
  /** Called for each request sent (for run statistics and metrics). */
  onRequest?: (info: { method: string; url: string; status: number | undefined; durationMs: number }) => void;
  /** Called for each wait caused by a rate limit (limiter or 429). */
  onRateLimitWait?: (ms: number) => void;
  /** Random source for jitter (tests make it deterministic). */
  random?: () => number;
}

export interface HttpRequestInit extends RequestInit {
  /**
   * Read the whole body inside the attempt: a body cut short, or a JSON content type whose body does not parse,
   * is a transient failure retried under the same budget (not by a second loop in the caller). The returned
   * Response holds the text read.
   */
  buffer?: boolean;
}

export interface HttpClient {
  /**
   * A `fetch` with retries, backoff with jitter, `Retry-After`, rate limiting, timeouts and abort. Non-retryable
   * HTTP errors are returned as responses (the caller knows its API); retryable ones (408, 425, 429, 5xx, a 403
   * that carries `Retry-After` or `x-ratelimit-remaining: 0`, network failures) are retried under the request
   * budget ({@link REQUEST_RETRY_BUDGET}) and, when it is spent, thrown as `rate_limited` / `upstream_unavailable`.
   */
  fetch(input: string | URL, init?: HttpRequestInit): Promise<Response>;
  /** GET/POST and parse JSON; any non-2xx becomes a TributaryError with a code mapped from the status. */
  json<T = unknown>(input: string | URL, init?: RequestInit): Promise<T>;
}

const RETRYABLE_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);

/** Parses `Retry-After` (seconds or an HTTP date) and the common reset headers into milliseconds. */
export function retryAfterMs(headers: Headers, now: number): number | undefined {
  const ra = headers.get('retry-after');
  if (ra) {
    const secs = Number(ra);
    if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
    const date = Date.parse(ra);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  // GitHub: x-ratelimit-remaining: 0 with x-ratelimit-reset (epoch seconds).
  if (headers.get('x-ratelimit-remaining') === '0') {
    const reset = Number(headers.get('x-ratelimit-reset'));
    // The reset is at second resolution: wait at least a second so we do not hit the same window again.
    if (Number.isFinite(reset) && reset > 0) return Math.max(1000, reset * 1000 - now);
  }
  return undefined;
}

/** A 403 that is a rate limit, as GitHub and others answer one (a `Retry-After`, or the quota used up). */
function isRateLimit403(res: Response): boolean {
  return res.status === 403 && (res.headers.has('retry-after') || res.headers.get('x-ratelimit-remaining') === '0');
}

/** The body as text, or why it could not be read whole (a cut connection, JSON that does not parse). */
async function readWhole(res: Response): Promise<{ text: string } | { failure: string }> {
  let text: string;
  try {
    text = await res.text();
  } catch (err) {
    return { failure: `body cut short: ${(err as Error).message}` };
  }
  if (text !== '' && (res.headers.get('content-type') ?? '').includes('json')) {
    try {
      JSON.parse(text);
    } catch {
      return { failure: 'body is not valid JSON (truncated?)' };
    }
  }
  return { text };
}

/** Maps an HTTP status to our error code. */
export function errorForStatus(status: number, message: string, retryAfter?: number): TributaryError {
  if (status === 401) return new TributaryError('auth_invalid', message);
  if (status === 403) return new TributaryError('permission_denied', message);
  if (status === 404) return new TributaryError('not_found', message);
  if (status === 429) return new TributaryError('rate_limited', message, { retryAfterMs: retryAfter });
  if (status >= 500 || status === 408)
    return new TributaryError('upstream_unavailable', message, { retryAfterMs: retryAfter });
  return new TributaryError('upstream_error', message);
}

export function createHttpClient(options: HttpOptions = {}): HttpClient {
  const budget: RetryBudget = {
    maxAttempts: 1 + (options.retries ?? REQUEST_RETRY_BUDGET.maxAttempts - 1),
    maxElapsedMs: options.maxElapsedMs ?? REQUEST_RETRY_BUDGET.maxElapsedMs,
    baseDelayMs: options.baseDelayMs ?? REQUEST_RETRY_BUDGET.baseDelayMs,
    maxDelayMs: options.maxDelayMs ?? REQUEST_RETRY_BUDGET.maxDelayMs,
    maxRetryAfterMs: options.maxRetryAfterMs ?? REQUEST_RETRY_BUDGET.maxRetryAfterMs,
  };
  const timeoutMs = options.timeoutMs ?? 60_000;
  const clock = options.clock ?? systemClock;
  const limiter = options.rateLimiter ?? unlimited;
  const logger = options.logger ?? silentLogger;
  const doFetch = options.fetch ?? globalThis.fetch;
  const random = options.random ?? Math.random;

  // The request layer of the retry policy (docs/architecture.md): the only place an HTTP request is retried.
  async function fetchWithPolicy(input: string | URL, httpInit: HttpRequestInit = {}): Promise<Response> {
    const { buffer, ...init } = httpInit;
    const method = (init.method ?? 'GET').toUpperCase();
    const url = String(input);
    const safeUrl = url.replace(/([?&](?:token|access_token|key|api_key|client_secret)=)[^&]+/gi, '$1[REDACTED]');
    const first = clock.now();
    for (let attempt = 1; ; attempt++) {
      if (options.signal?.aborted) throw abortError(options.signal);
      const waited = await limiter.acquire(1, options.signal);
      if (waited > 0) options.onRateLimitWait?.(waited);
      const started = clock.now();
      const timeout = AbortSignal.timeout(timeoutMs);
      const signals = [timeout, ...(options.signal ? [options.signal] : []), ...(init.signal ? [init.signal] : [])];
      let response: Response | undefined;
      let failure: unknown;
      try {
        response = await doFetch(input, { ...init, signal: AbortSignal.any(signals) });
      } catch (err) {
        if (options.signal?.aborted) throw abortError(options.signal);
        failure = err;
      }
      options.onRequest?.({ method, url: safeUrl, status: response?.status, durationMs: clock.now() - started });
      const limited403 = response !== undefined && isRateLimit403(response);
      if (response && !RETRYABLE_STATUS.has(response.status) && !limited403) {
        if (!buffer) return response;
        const body = await readWhole(response);
        if ('text' in body) return rebuilt(response, body.text);
        failure = new Error(body.failure);
        response = undefined;
      }

      const wait = response ? retryAfterMs(response.headers, clock.now()) : undefined;
      const reason = response ? `HTTP ${response.status}` : `network error: ${(failure as Error)?.message ?? failure}`;
      await response?.body?.cancel().catch(() => undefined);
      const error = limited403
        ? new TributaryError('rate_limited', reason, { retryAfterMs: wait })
        : response
          ? errorForStatus(response.status, reason, wait)
          : new TributaryError('upstream_unavailable', reason, { cause: failure });
      const decision = decideRetry(error, attempt, clock.now() - first, budget, random);
      if (!decision.retry) {
        throw exhaustedError(
          new TributaryError(error.code, `${method} ${safeUrl} failed after ${attempt} attempts: ${reason}`, {
            cause: failure,
            ...(wait !== undefined ? { retryAfterMs: wait } : {}),
          }),
          attempt,
        );
      }
      if (error.code === 'rate_limited') {
        limiter.pauseFor(decision.delayMs);
        options.onRateLimitWait?.(decision.delayMs);
      }
      logger.debug('retrying request', { method, url: safeUrl, reason, attempt, delayMs: decision.delayMs });
      await clock.sleep(decision.delayMs, options.signal);
    }
  }

  /** A Response rebuilt from the text read; `content-encoding` no longer applies to it. */
  function rebuilt(res: Response, text: string): Response {
    const headers = new Headers(res.headers);
    headers.delete('content-encoding');
    headers.delete('content-length');
    return new Response(res.status === 204 || res.status === 304 ? null : text, {
      status: res.status,
      statusText: res.statusText,
      headers,
    });
  }

  return {
    fetch: fetchWithPolicy,
    async json<T>(input: string | URL, init?: RequestInit): Promise<T> {
      const res = await fetchWithPolicy(input, {
        ...init,
        buffer: true,
        headers: { accept: 'application/json', ...(init?.headers as Record<string, string>) },
      });
      const text = await res.text();
      if (!res.ok)
        throw errorForStatus(
          res.status,
          `${(init?.method ?? 'GET').toUpperCase()} ${String(input).split('?')[0]} → HTTP ${res.status}: ${text.slice(0, 200)}`,
        );
      try {
        return JSON.parse(text) as T;
      } catch (err) {
        throw new TributaryError(
          'upstream_error',
          `Invalid JSON from ${String(input).split('?')[0]} (truncated body?)`,
          { cause: err, retryable: true },
        );
      }
    },
  };
}
