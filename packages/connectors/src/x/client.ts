import { abortError, TributaryError, withRetry, type ConnectorContext, type Credential } from '@tributary/sdk';
import { ApiError, Client } from '@xdevplatform/xdk';
import type { XConfig } from './config.js';

/** A user as X answers it (the fields this connector asks for). */
export interface XUser {
  id: string;
  name: string;
  username: string;
}

/** A post as X API v2 answers it. X's OpenAPI names post fields `*_post*`; older answers say `*_tweet*`. */
export interface XPost {
  id: string;
  text: string;
  author_id?: string;
  created_at?: string;
  conversation_id?: string;
  lang?: string;
  source?: string;
  edit_history_post_ids?: string[];
  edit_history_tweet_ids?: string[];
  note_post?: { text: string; entities?: XEntities };
  note_tweet?: { text: string; entities?: XEntities };
  referenced_posts?: Array<{ type: string; id: string }>;
  referenced_tweets?: Array<{ type: string; id: string }>;
  in_reply_to_user_id?: string;
  entities?: XEntities;
}

export interface XEntities {
  urls?: Array<{ url?: string | null; expanded_url?: string | null; start: number; end: number }> | null;
  mentions?: Array<{ username?: string | null; id?: string | null; start: number; end: number }> | null;
  hashtags?: Array<{ tag: string; start: number; end: number }> | null;
}

export interface XListResponse {
  data?: XPost[];
  includes?: { users?: XUser[]; posts?: XPost[] };
  meta?: { next_token?: string; result_count?: number; newest_id?: string; oldest_id?: string };
  errors?: unknown[];
}

/** The post and user fields and expansions every timeline request asks for (names as in X's OpenAPI). */
export const POST_QUERY = {
  'post.fields':
    'author_id,conversation_id,created_at,edit_controls,entities,lang,note_post,referenced_posts,source,text',
  expansions: 'author_id,entities.mentions.username',
  'user.fields': 'name,username',
};

/** The token of a credential: an OAuth access token, or a pasted user token. */
export function tokenOf(credential: Credential | undefined): string {
  if (credential?.kind === 'oauth2') return credential.accessToken;
  if (credential?.kind === 'token') return credential.token;
  throw new TributaryError(
    'auth_invalid',
    'X needs a connected account (tributary connect) or an OAuth 2.0 user token.',
  );
}

/** The longest wait a reset header may ask of one request (one 15-minute window, plus slack). */
const MAX_WINDOW_MS = 16 * 60_000;

/**
 * X API v2 through X's official SDK (@xdevplatform/xdk): its `request` with `raw` keeps the answer's snake_case
 * names (the typed helpers turn them camelCase) and its headers, which carry the rate-limit window.
 * This is the one layer that retries an X request: 429 waits until `x-rate-limit-reset`, 5xx and network failures
 * back off, under the SDK's request budget; a 401 refreshes the token once. A window spent (`remaining` 0) pauses
 * the source's shared limiter until its reset, so other workers of the same source wait too.
 */
export class XClient {
  private api: Client;
  readonly stats = { calls: 0, rateLimited: 0 };

  constructor(
    private readonly ctx: ConnectorContext<XConfig>,
    private token: string,
  ) {
    this.api = this.create(token);
  }

  private create(token: string): Client {
    // The SDK's own `retry` flag is unused by its request path; retries are ours (withRetry below).
    return new Client({ accessToken: token, baseUrl: this.ctx.config.baseUrl.replace(/\/+$/, ''), retry: false });
  }

  async get<T>(path: string, query: Record<string, string | number | undefined>): Promise<T> {
    const clean = Object.fromEntries(
      Object.entries(query)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, String(v)]),
    );
    let refreshed = false;
    for (;;) {
      try {
        return await withRetry(() => this.once<T>(path, clean), {
          clock: this.ctx.clock,
          signal: this.ctx.signal,
          onRetry: ({ delayMs, error }) => {
            if (error.code !== 'rate_limited') return;
            this.ctx.rateLimiter.pauseFor(delayMs);
            this.ctx.countRateLimitWait(delayMs);
            this.stats.rateLimited++;
          },
        });
      } catch (err) {
        if (!(err instanceof TributaryError) || err.code !== 'auth_expired') throw err;
        if (refreshed)
          throw new TributaryError(
            'auth_invalid',
            `${err.message}; a fresh token was refused too: connect the source again`,
            {
              cause: err,
            },
          );
        refreshed = true;
        const next = tokenOf(await this.ctx.credentials.refresh());
        if (next === this.token)
          throw new TributaryError('auth_invalid', 'X refused the access token and a refresh gave no new one.', {
            cause: err,
          });
        this.token = next;
        this.api = this.create(next);
      }
    }
  }

  private async once<T>(path: string, query: Record<string, string>): Promise<T> {
    const { ctx } = this;
    if (ctx.signal.aborted) throw abortError(ctx.signal);
    const waited = await ctx.rateLimiter.acquire(1, ctx.signal);
    if (waited > 0) ctx.countRateLimitWait(waited);
    ctx.countApiCall(1);
    this.stats.calls++;
    const search = new URLSearchParams(query).toString();
    let res: Response;
    try {
      res = (await this.api.request('GET', `/2/${path}${search ? `?${search}` : ''}`, {
        raw: true,
        signal: ctx.signal,
        security: [{ OAuth2UserToken: [] }],
      })) as Response;
    } catch (err) {
      throw this.mapError(path, err);
    }
    const remaining = res.headers.get('x-rate-limit-remaining');
    if (remaining === '0') ctx.rateLimiter.pauseFor(this.untilReset(res.headers.get('x-rate-limit-reset')));
    try {
      return (await res.json()) as T;
    } catch (err) {
      throw new TributaryError('upstream_unavailable', `X GET /2/${path}: the answer was cut off or not JSON`, {
        cause: err,
      });
    }
  }

  private untilReset(header: string | null | undefined): number {
    const resetSeconds = Number(header);
    if (!header || !Number.isFinite(resetSeconds)) return 60_000;
    return Math.min(MAX_WINDOW_MS, Math.max(1000, resetSeconds * 1000 - this.ctx.clock.now()));
  }

  private mapError(path: string, err: unknown): TributaryError {
    const where = `X GET /2/${path}`;
    if (err instanceof ApiError && err.status === 0) {
      const cause = (err.data as Error | undefined)?.message ?? err.message;
      if (this.ctx.signal.aborted) return new TributaryError('aborted', `${where}: aborted`, { cause: err });
      return new TributaryError('upstream_unavailable', `${where}: ${cause}`, { cause: err });
    }
    if (err instanceof ApiError) {
      const data = err.data as { title?: string; detail?: string } | undefined;
      const why = data?.detail ?? data?.title ?? err.message;
      switch (err.status) {
        case 429:
          return new TributaryError('rate_limited', `${where}: rate limited (15-minute window spent)`, {
            retryAfterMs: this.untilReset(err.headers.get('x-rate-limit-reset')),
            cause: err,
          });
        case 401:
          return new TributaryError('auth_expired', `${where}: ${why} — the access token expired or was revoked`, {
            cause: err,
            // Asking again with the same token does not help; the refresh in get() may.
            retryable: false,
          });
        case 403:
          return new TributaryError(
            'permission_denied',
            `${where}: ${why} — the token lacks a scope (bookmarks need bookmark.read, likes like.read) or your plan does not include this endpoint`,
            { cause: err },
          );
        case 404:
          return new TributaryError('not_found', `${where}: ${why}`, { cause: err });
        case 400:
          return new TributaryError('invalid_config', `${where}: ${why}`, { cause: err });
        default:
          if (err.status >= 500)
            return new TributaryError('upstream_unavailable', `${where}: HTTP ${err.status}`, { cause: err });
          return new TributaryError('upstream_error', `${where}: HTTP ${err.status} ${why}`, { cause: err });
      }
    }
    return new TributaryError('upstream_error', `${where}: ${(err as Error).message}`, { cause: err });
  }

  /** The signed-in user (GET /2/users/me), or the configured one. */
  async user(userId: string | undefined): Promise<XUser> {
    const path = userId ? `users/${userId}` : 'users/me';
    const res = await this.get<{ data?: XUser }>(path, { 'user.fields': 'name,username' });
    if (!res.data) throw new TributaryError('not_found', `X has no user ${userId ?? '(me)'}`);
    return res.data;
  }
}
