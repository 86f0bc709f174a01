import { abortError, TributaryError, withRetry, type ConnectorContext, type Credential } from '@tributary/sdk';
import { ErrorCode, LogLevel, WebClient, type Logger as SlackLogger } from '@slack/web-api';
import type { SlackUser } from '../slack-shared/index.js';
import type { SlackConfig } from './config.js';

/** Slack platform errors (HTTP 200, `ok: false`) → our codes. https://api.slack.com/web#evaluating_responses */
const PLATFORM_ERRORS: Record<string, { code: ConstructorParameters<typeof TributaryError>[0]; fix: string }> = {
  not_authed: { code: 'auth_invalid', fix: 'no token was sent: store a bot (xoxb-) or user (xoxp-) token' },
  invalid_auth: { code: 'auth_invalid', fix: 'the token is not valid: store a new one or connect again' },
  account_inactive: { code: 'auth_invalid', fix: 'the token belongs to a deactivated user or workspace' },
  token_revoked: { code: 'reauthorization_required', fix: 'the token was revoked: connect the source again' },
  token_expired: { code: 'auth_expired', fix: 'the token expired: connect again (or enable token rotation refresh)' },
  missing_scope: {
    code: 'permission_denied',
    fix: 'the token lacks a scope: reinstall the app with the scopes listed in the docs',
  },
  not_in_channel: {
    code: 'permission_denied',
    fix: 'the bot is not a member of the channel: invite it (/invite @app)',
  },
  channel_not_found: { code: 'not_found', fix: 'the channel does not exist or the token cannot see it' },
  invalid_cursor: { code: 'cursor_invalid', fix: 'a paging cursor expired: the next sync starts the channel over' },
  ratelimited: { code: 'rate_limited', fix: 'Slack asked to slow down' },
};

function slackLogger(ctx: ConnectorContext): SlackLogger {
  let level = LogLevel.WARN;
  // The SDK warns on every retried call; those are ours to count, so they go to debug.
  return {
    debug: () => undefined,
    info: () => undefined,
    warn: (...msg: unknown[]) => ctx.logger.debug(`slack sdk: ${msg.map(String).join(' ')}`),
    error: (...msg: unknown[]) => ctx.logger.debug(`slack sdk: ${msg.map(String).join(' ')}`),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}

/** The token to use from a stored credential (bot/user token, or an OAuth access token). */
export function tokenOf(credential: Credential | undefined): string {
  if (credential?.kind === 'token') return credential.token;
  if (credential?.kind === 'oauth2') return credential.accessToken;
  throw new TributaryError(
    'auth_invalid',
    'No Slack token stored for this source: add a bot token (xoxb-…), a user token (xoxp-…) or connect with OAuth.',
  );
}

type Args = Record<string, string | number | boolean | undefined>;

/**
 * A thin client over `@slack/web-api`: every call is counted, waits on the source's rate limiter, and 429s are
 * waited out with `ctx.clock` for as long as `Retry-After` says (the SDK's own wall-clock retry is turned off so
 * waits are counted and testable); 5xx and network failures back off and retry, under the SDK's one retry
 * policy. Platform errors become TributaryErrors with a code and a fix.
 */
export class SlackClient {
  private web: WebClient;
  private users = new Map<string, SlackUser | null>();
  /** Calls and waits, for benchmarks and logs. */
  readonly stats = { calls: 0, rateLimited: 0, waitMs: 0 };

  /**
   * @param refreshable whether `token_expired` may be fixed by refreshing the stored credential (not for a user
   *   token kept in the credential's extras)
   */
  constructor(
    private readonly ctx: ConnectorContext<SlackConfig>,
    private token: string,
    private readonly refreshable = true,
  ) {
    this.web = this.create(token);
  }

  private create(token: string): WebClient {
    return new WebClient(token, {
      slackApiUrl: this.ctx.config.baseUrl.endsWith('/') ? this.ctx.config.baseUrl : `${this.ctx.config.baseUrl}/`,
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
      timeout: this.ctx.config.requestTimeoutMs,
      logger: slackLogger(this.ctx),
    });
  }

  /**
   * Calls a Web API method. This is the one layer that retries a Slack request (the WebClient's own retries are
   * off): 429s wait `Retry-After`, 5xx and network failures back off, all under the SDK's request budget
   * ({@link withRetry}); an expired rotating token is refreshed once.
   * @throws TributaryError mapped from Slack's error (auth_invalid, permission_denied, rate_limited …)
   */
  async call<T = Record<string, unknown>>(method: string, args: Args = {}): Promise<T> {
    const { ctx } = this;
    const clean = Object.fromEntries(Object.entries(args).filter(([, v]) => v !== undefined));
    let refreshed = false;
    for (;;) {
      try {
        return await withRetry(() => this.once<T>(method, clean), {
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
        const expired = err instanceof TributaryError && err.details?.slackError === 'token_expired';
        if (!expired || refreshed || !this.refreshable) throw err;
        refreshed = true;
        const next = tokenOf(await ctx.credentials.refresh());
        if (next === this.token) throw err;
        this.token = next;
        this.web = this.create(next);
      }
    }
  }

  /** One request: waits on the source's rate limiter, counts the call, maps Slack's error to ours. */
  private async once<T>(method: string, args: Record<string, unknown>): Promise<T> {
    const { ctx } = this;
    if (ctx.signal.aborted) throw abortError(ctx.signal);
    const waited = await ctx.rateLimiter.acquire(1, ctx.signal);
    if (waited > 0) ctx.countRateLimitWait(waited);
    ctx.countApiCall(1);
    this.stats.calls++;
    try {
      return (await this.web.apiCall(method, args)) as T;
    } catch (err) {
      const e = err as { code?: string; retryAfter?: number; statusCode?: number; data?: { error?: string } };
      if (e.code === ErrorCode.RateLimitedError)
        throw new TributaryError('rate_limited', `Slack ${method} rate limited`, {
          retryAfterMs: Math.max(0, (e.retryAfter ?? 1) * 1000),
          cause: err,
        });
      if (e.code === ErrorCode.PlatformError) {
        const error = e.data?.error ?? 'unknown_error';
        const known = PLATFORM_ERRORS[error];
        throw new TributaryError(
          known?.code ?? 'upstream_error',
          `Slack ${method} failed: ${error}${known ? ` — ${known.fix}` : ''}`,
          // An expired token is not fixed by asking again: only a refresh (in call) can fix it.
          { cause: err, details: { slackError: error }, ...(error === 'token_expired' ? { retryable: false } : {}) },
        );
      }
      const transient =
        e.code === ErrorCode.RequestError || (e.code === ErrorCode.HTTPError && (e.statusCode ?? 500) >= 500);
      if (transient)
        throw new TributaryError('upstream_unavailable', `Slack ${method} failed: ${(err as Error).message}`, {
          cause: err,
        });
      throw new TributaryError('upstream_error', `Slack ${method} failed: ${(err as Error).message}`, { cause: err });
    }
  }

  /** users.info, cached for the client's life; unknown users resolve to undefined. */
  async user(id: string): Promise<SlackUser | undefined> {
    if (this.users.has(id)) return this.users.get(id) ?? undefined;
    try {
      const res = await this.call<{ user?: SlackUser }>('users.info', { user: id });
      this.users.set(id, res.user ?? null);
      return res.user;
    } catch (err) {
      if (
        err instanceof TributaryError &&
        (err.details?.slackError === 'user_not_found' || err.details?.slackError === 'user_not_visible')
      ) {
        this.users.set(id, null);
        return undefined;
      }
      throw err;
    }
  }

  /** The users looked up so far (for mapping). */
  knownUsers(): ReadonlyMap<string, SlackUser> {
    const out = new Map<string, SlackUser>();
    for (const [id, u] of this.users) if (u) out.set(id, u);
    return out;
  }

  /** Whether `users.info` was already asked about this id. */
  hasLookedUp(id: string): boolean {
    return this.users.has(id);
  }
}
