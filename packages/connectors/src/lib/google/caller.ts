import { setMaxListeners } from 'node:events';
import { abortError, TributaryError, withRetry, type ConnectorContext, type Credential } from '@tributary/sdk';
import { toGoogleError } from './errors.js';

/** Per-request options handed to a `@googleapis/*` method (its second argument). */
export interface GoogleCallOptions {
  headers: Record<string, string>;
  /** gaxios' own retry is off: this layer is the one that retries (docs/architecture.md). */
  retry: false;
  timeout: number;
  signal: AbortSignal;
}

/** The access token of a stored credential (OAuth access token, or a token pasted for tests and scripts). */
export function googleToken(credential: Credential | undefined, product: string): string {
  if (credential?.kind === 'oauth2') return credential.accessToken;
  if (credential?.kind === 'token') return credential.token;
  throw new TributaryError(
    'auth_invalid',
    `No Google credential stored for this ${product} source: connect it with OAuth (tributary connect <source>).`,
  );
}

/** Calls and waits of one client, for the run record and benchmarks. */
export interface GoogleCallStats {
  calls: number;
  /** Quota units spent (Gmail's per-method costs; 1 per call for Drive and Calendar). */
  units: number;
  rateLimited: number;
  waitMs: number;
}

/**
 * The one layer that calls Google for a connector: each call takes its quota cost from the source's rate limiter
 * (shared by every worker on the account), is counted in the run record, and is retried under the SDK's request
 * budget ({@link withRetry}) when Google answers 429, 403 `rateLimitExceeded`/`userRateLimitExceeded`, 5xx or the
 * connection fails. A 401 refreshes the credential once (the vault refreshes single-flight) and repeats the call.
 */
export class GoogleCaller {
  readonly stats: GoogleCallStats = { calls: 0, units: 0, rateLimited: 0, waitMs: 0 };
  private token: string | undefined;

  /** Aborts with the run; one listener on the run's signal however many calls are in flight (concurrency). */
  private readonly signal: AbortSignal;

  constructor(
    private readonly ctx: ConnectorContext<unknown>,
    private readonly product: string,
    private readonly timeoutMs = 60_000,
  ) {
    const ac = new AbortController();
    setMaxListeners(0, ac.signal);
    if (ctx.signal.aborted) ac.abort(ctx.signal.reason);
    else ctx.signal.addEventListener('abort', () => ac.abort(ctx.signal.reason), { once: true });
    this.signal = ac.signal;
  }

  /**
   * Runs `fn` (one official-client method call) with auth, quota, counting and retries.
   * @param what the method's name for errors and logs ("users.messages.get")
   * @param cost quota units the method costs (Gmail: messages.get 5, history.list 2 …)
   * @throws TributaryError mapped by {@link toGoogleError} (rate_limited after the budget, auth_expired,
   *   permission_denied, not_found, cursor_invalid …)
   */
  async call<T>(what: string, cost: number, fn: (opts: GoogleCallOptions) => Promise<{ data: T }>): Promise<T> {
    const { ctx } = this;
    this.token ??= googleToken(await ctx.credentials.get(), this.product);
    let refreshed = false;
    for (;;) {
      try {
        return await withRetry(() => this.once(what, cost, fn), {
          clock: ctx.clock,
          signal: ctx.signal,
          onRetry: ({ delayMs, error }) => {
            if (error.code !== 'rate_limited') return;
            ctx.rateLimiter.pauseFor(delayMs);
            ctx.countRateLimitWait(delayMs);
            this.stats.rateLimited++;
            this.stats.waitMs += delayMs;
          },
        });
      } catch (err) {
        if (!(err instanceof TributaryError) || err.code !== 'auth_expired' || refreshed) throw err;
        refreshed = true;
        const next = googleToken(await ctx.credentials.refresh(), this.product);
        if (next === this.token)
          throw new TributaryError('auth_invalid', err.message, { cause: err, details: err.details });
        this.token = next;
      }
    }
  }

  private async once<T>(what: string, cost: number, fn: (opts: GoogleCallOptions) => Promise<{ data: T }>): Promise<T> {
    const { ctx } = this;
    if (ctx.signal.aborted) throw abortError(ctx.signal);
    const waited = await ctx.rateLimiter.acquire(cost, ctx.signal);
    if (waited > 0) {
      ctx.countRateLimitWait(waited);
      this.stats.waitMs += waited;
    }
    ctx.countApiCall(1);
    this.stats.calls++;
    this.stats.units += cost;
    try {
      const res = await fn({
        headers: { authorization: `Bearer ${this.token}` },
        retry: false,
        timeout: this.timeoutMs,
        signal: this.signal,
      });
      return res.data;
    } catch (err) {
      if (ctx.signal.aborted) throw abortError(ctx.signal);
      const e = toGoogleError(err, `${this.product} ${what}`);
      // A 401 is not fixed by asking again with the same token: only a refresh (in call) can fix it.
      if (e.code === 'auth_expired')
        throw new TributaryError(e.code, e.message, { cause: e.cause, details: e.details, retryable: false });
      throw e;
    }
  }
}
