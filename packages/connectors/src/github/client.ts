import { Octokit } from '@octokit/rest';
import { TributaryError, type ConnectorContext, type Credential } from '@tributary/sdk';
import type { GithubConfig } from './config.js';

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
 * A fetch for Octokit on `ctx.http`, the one layer that retries a request (docs/architecture.md): 5xx, 429 and
 * GitHub's 403 rate limits (waited out until `Retry-After` or `x-ratelimit-reset`, counted as rate-limit waits),
 * cut connections and bodies that do not parse (`buffer`), all under the SDK's request budget. Octokit itself
 * has no retry plugin here (`@octokit/rest` ships none), so nothing multiplies the attempts.
 */
export function githubFetch(ctx: ConnectorContext<GithubConfig>): typeof globalThis.fetch {
  return async (input, init) => {
    const res = await ctx.http.fetch(input instanceof Request ? input.url : input, { ...init, buffer: true });
    // The manifest's `api_rate_limit_remaining` gauge: what GitHub says is left of the hour's budget.
    const remaining = Number(res.headers.get('x-ratelimit-remaining') ?? Number.NaN);
    if (Number.isFinite(remaining)) ctx.metrics?.set('api_rate_limit_remaining', remaining);
    return res;
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
  // Octokit wraps what its fetch threw (ctx.http's error after the request budget) in a RequestError with status
  // 500: keep ours, so the exhausted budget is not mistaken for a fresh failure and retried again upstream.
  const cause = (err as { cause?: unknown })?.cause;
  if (cause instanceof TributaryError) return cause;
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
