import { Octokit } from '@octokit/rest';
import { TributaryError, type ConnectorContext, type Credential } from '@tributary/sdk';
import type { GithubConfig } from './config.js';

/** Longest wait for a rate-limit reset before failing with `rate_limited` (the run retries later). */
const MAX_RESET_WAIT_MS = 15 * 60_000;
/** Attempts for one request on 403 rate limits and unreadable bodies. */
const MAX_ATTEMPTS = 5;

/** The token to use from a stored credential (personal access token or OAuth access token). */
export function githubToken(credential: Credential | undefined): string {
  if (credential?.kind === 'token') return credential.token;
  if (credential?.kind === 'oauth2') return credential.accessToken;
  throw new TributaryError(
    'auth_invalid',
    'No GitHub token stored for this source: add a personal access token or connect with OAuth.',
  );
}

/**
 * How long GitHub asks us to wait, if the response is a rate limit: a secondary limit (403/429 with `Retry-After`)
 * or the primary one used up (403/429 with `x-ratelimit-remaining: 0`, wait until `x-ratelimit-reset`).
 * https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api
 */
export function rateLimitWaitMs(res: Response, nowMs: number): number | undefined {
  if (res.status !== 403 && res.status !== 429) return undefined;
  const retryAfter = res.headers.get('retry-after');
  if (retryAfter !== null && Number.isFinite(Number(retryAfter))) return Number(retryAfter) * 1000;
  if (res.headers.get('x-ratelimit-remaining') === '0') {
    const reset = Number(res.headers.get('x-ratelimit-reset'));
    return Number.isFinite(reset) ? Math.max(1000, reset * 1000 - nowMs) : 60_000;
  }
  return undefined;
}

/**
 * A fetch for Octokit built on `ctx.http` (retries, backoff, 429 `Retry-After`, the source's rate limiter, counted
 * calls), adding what only GitHub does: 403 rate limits waited out on `ctx.clock` instead of failing, and bodies
 * that do not parse (a cut connection) retried.
 */
export function githubFetch(ctx: ConnectorContext<GithubConfig>): typeof globalThis.fetch {
  return async (input, init) => {
    for (let attempt = 1; ; attempt++) {
      const res = await ctx.http.fetch(input instanceof Request ? input.url : input, init);
      const wait = rateLimitWaitMs(res, ctx.clock.now());
      if (wait !== undefined) {
        await res.body?.cancel().catch(() => undefined);
        if (wait > MAX_RESET_WAIT_MS || attempt >= MAX_ATTEMPTS) {
          throw new TributaryError('rate_limited', `GitHub rate limit: retry in ${Math.ceil(wait / 1000)} s`, {
            retryAfterMs: wait,
          });
        }
        ctx.rateLimiter.pauseFor(wait);
        ctx.countRateLimitWait(wait);
        ctx.logger.info('GitHub rate limit reached; waiting for the reset', { waitMs: wait });
        await ctx.clock.sleep(wait, ctx.signal);
        continue;
      }
      const text = await res.text().catch(() => undefined);
      const json = (res.headers.get('content-type') ?? '').includes('json');
      let readable = text !== undefined;
      if (readable && json && text !== '') {
        try {
          JSON.parse(text!);
        } catch {
          readable = false;
        }
      }
      if (!readable) {
        if (attempt >= MAX_ATTEMPTS)
          throw new TributaryError(
            'upstream_unavailable',
            `GitHub answered ${res.status} with an unreadable body ${attempt} times`,
          );
        await ctx.clock.sleep(200 * attempt, ctx.signal);
        continue;
      }
      // Rebuilt from the text we read; `content-encoding` no longer applies to it.
      const headers = new Headers(res.headers);
      headers.delete('content-encoding');
      headers.delete('content-length');
      return new Response(res.status === 204 || res.status === 304 ? null : text, {
        status: res.status,
        statusText: res.statusText,
        headers,
      });
    }
  };
}

/** An Octokit on the source's base URL and token, talking through {@link githubFetch}. */
export function createOctokit(ctx: ConnectorContext<GithubConfig>, token: string): Octokit {
  const quiet = (message: string): void => ctx.logger.debug(`octokit: ${message}`);
  return new Octokit({
    auth: token,
    baseUrl: ctx.config.baseUrl.replace(/\/+$/, ''),
    userAgent: 'tributary-github-connector',
    request: { fetch: githubFetch(ctx) },
    log: { debug: () => undefined, info: () => undefined, warn: quiet, error: quiet },
  });
}

/** Maps an Octokit failure to a TributaryError with a code and a fix. */
export function toGithubError(err: unknown, what: string): TributaryError {
  if (err instanceof TributaryError) return err;
  const status = (err as { status?: number }).status;
  const message = (err as Error)?.message ?? String(err);
  if (status === 401)
    return new TributaryError('auth_invalid', `${what}: bad credentials — store a new token or connect again`, {
      cause: err,
    });
  if (status === 403)
    return new TributaryError(
      'permission_denied',
      `${what}: forbidden — the token lacks access (repo scope for private repositories): ${message}`,
      { cause: err },
    );
  if (status === 404)
    return new TributaryError('not_found', `${what}: not found — check the owner/name, or the token cannot see it`, {
      cause: err,
    });
  if (status !== undefined && status >= 500)
    return new TributaryError('upstream_unavailable', `${what}: GitHub answered ${status}`, { cause: err });
  return new TributaryError('upstream_error', `${what}: ${message}`, { cause: err });
}
