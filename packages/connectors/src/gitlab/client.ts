import { abortError, errorForStatus, TributaryError, type ConnectorContext, type Credential } from '@tributary/sdk';
import type { GitlabConfig } from './config.js';

/** One answer of a list endpoint: the elements, the next page's URL (`Link: rel="next"`) and `x-total`. */
export interface ListPage<T> {
  data: T[];
  next: string | undefined;
  total: number | undefined;
}

/** The header a credential authenticates with: `PRIVATE-TOKEN` (personal/project/group token) or OAuth bearer. */
export function authHeaders(credential: Credential | undefined): Record<string, string> {
  if (credential?.kind === 'oauth2') return { authorization: `Bearer ${credential.accessToken}` };
  if (credential?.kind === 'token') return { 'private-token': credential.token };
  throw new TributaryError(
    'auth_invalid',
    'No GitLab token stored for this source: add a personal, project or group access token (read_api scope), or connect with OAuth.',
  );
}

const nextLink = (link: string | null): string | undefined => {
  for (const part of (link ?? '').split(',')) if (/rel="next"/.test(part)) return /<([^>]+)>/.exec(part)?.[1];
  return undefined;
};

/**
 * A thin client for GitLab's REST v4 on `ctx.http` (the one retry layer: 429 with `Retry-After`, 5xx, cut bodies;
 * the source's rate limiter). GitLab sends `RateLimit-Remaining` and `RateLimit-Reset` on every answer: when less
 * than 2 % of the window is left the limiter pauses until the reset, so all workers slow down before a 429. An
 * expired OAuth token (401 `invalid_token`) is refreshed once.
 */
export class GitlabClient {
  private headers: Record<string, string>;
  private refreshed = false;
  readonly api: string;

  constructor(
    private readonly ctx: ConnectorContext<GitlabConfig>,
    private credential: Credential | undefined,
  ) {
    this.headers = authHeaders(credential);
    this.api = `${ctx.config.baseUrl.replace(/\/+$/, '')}/api/v4`;
  }

  /** A URL of the API: `path` under /api/v4 with query parameters (undefined ones left out). */
  url(path: string, query: Record<string, string | number | boolean | undefined> = {}): string {
    const u = new URL(`${this.api}${path}`);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) u.searchParams.set(k, String(v));
    return u.toString();
  }

  async get<T>(path: string, query: Record<string, string | number | boolean | undefined> = {}): Promise<T> {
    return (await this.fetchJson<T>(this.url(path, query))).body;
  }

  /** One page of a list: the URL of a first page (built with {@link url}) or a `next` link GitLab gave. */
  async list<T>(url: string): Promise<ListPage<T>> {
    // Only follow links to our own instance: a stored next URL must not send the token elsewhere.
    if (!url.startsWith(`${this.api}/`))
      throw new TributaryError('cursor_invalid', `A page link outside ${this.api}: re-syncing from the start`);
    const { body, res } = await this.fetchJson<T[]>(url);
    const total = res.headers.get('x-total');
    return {
      data: body,
      next: nextLink(res.headers.get('link')),
      total: total === null || total === '' ? undefined : Number(total),
    };
  }

  private async fetchJson<T>(url: string): Promise<{ body: T; res: Response }> {
    const { ctx } = this;
    for (;;) {
      if (ctx.signal.aborted) throw abortError(ctx.signal);
      const res = await ctx.http.fetch(url, { headers: { ...this.headers, accept: 'application/json' }, buffer: true });
      this.watchBudget(res);
      if (res.ok) return { body: (await res.json()) as T, res };
      if (res.status === 401 && this.credential?.kind === 'oauth2' && !this.refreshed) {
        this.refreshed = true;
        const next = await ctx.credentials.refresh();
        const headers = authHeaders(next);
        if (JSON.stringify(headers) !== JSON.stringify(this.headers)) {
          this.credential = next;
          this.headers = headers;
          continue;
        }
      }
      throw await toGitlabError(res, url);
    }
  }

  private watchBudget(res: Response): void {
    const remaining = Number(res.headers.get('ratelimit-remaining') ?? Number.NaN);
    const limit = Number(res.headers.get('ratelimit-limit') ?? Number.NaN);
    if (!Number.isFinite(remaining)) return;
    this.ctx.metrics?.set('api_rate_limit_remaining', remaining);
    if (Number.isFinite(limit) && remaining <= limit * 0.02) {
      const reset = Number(res.headers.get('ratelimit-reset'));
      const ms = Number.isFinite(reset) && reset > 0 ? reset * 1000 - this.ctx.clock.now() : 1000;
      this.ctx.rateLimiter.pauseFor(Math.min(60_000, Math.max(1000, ms)));
    }
  }
}

/** A failed answer as a TributaryError with GitLab's message (never a token) and a fix. */
export async function toGitlabError(res: Response, url: string): Promise<TributaryError> {
  let detail = '';
  let oauthError: string | undefined;
  try {
    const body = (await res.json()) as { message?: unknown; error?: string; error_description?: string };
    oauthError = body.error;
    detail =
      typeof body.message === 'string'
        ? body.message
        : body.message
          ? JSON.stringify(body.message)
          : (body.error_description ?? body.error ?? '');
  } catch {
    detail = '';
  }
  const path = new URL(url).pathname;
  const message = `GitLab ${path} answered ${res.status}${detail ? `: ${detail}` : ''}`;
  if (res.status === 401 && oauthError === 'invalid_token')
    return new TributaryError('auth_expired', `${message} — the OAuth token expired: connect again`);
  if (res.status === 401)
    return new TributaryError('auth_invalid', `${message} — the token is wrong or revoked: store a new one`);
  if (res.status === 403)
    return new TributaryError('permission_denied', `${message} — the token needs the read_api scope and access to it`);
  if (res.status === 404)
    return new TributaryError('not_found', `${message} — check the path, or the token cannot see it`);
  return errorForStatus(res.status, message);
}
