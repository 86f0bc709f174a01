import { abortError, errorForStatus, TributaryError, type ConnectorContext, type Credential } from '@tributary/sdk';
import type { JiraConfig } from './config.js';

/** How requests reach the site: its REST base, the browse base for links, and the Authorization header. */
export interface JiraSite {
  /** `https://x.atlassian.net` (API token) or `https://api.atlassian.com/ex/jira/{cloudId}` (OAuth). */
  restBase: string;
  /** Where issues are browsed: the site URL. */
  siteUrl: string;
  cloudId?: string;
}

interface AccessibleResource {
  id: string;
  url: string;
  name?: string;
  scopes?: string[];
}

const trim = (u: string): string => u.replace(/\/+$/, '');

/** The Authorization header of a credential: Basic `email:api-token`, or the OAuth bearer token. */
export function authHeader(credential: Credential | undefined): string {
  if (credential?.kind === 'oauth2') return `Bearer ${credential.accessToken}`;
  const email = credential?.kind === 'password' ? credential.username : credential?.extra?.email;
  const token =
    credential?.kind === 'password' ? credential.password : credential?.kind === 'token' ? credential.token : undefined;
  if (!email || !token)
    throw new TributaryError(
      'auth_invalid',
      'No Jira credential: store an API token with its e-mail (username + password, or a token with extra.email), or connect with OAuth.',
    );
  return `Basic ${Buffer.from(`${email}:${token}`).toString('base64')}`;
}

/**
 * A thin client on `ctx.http` (the one retry layer: 429 `Retry-After`, 5xx, cut bodies; the source's rate
 * limiter). Jira's cost-based limits also send `X-RateLimit-NearLimit: true` before they refuse: the source's
 * limiter pauses a second then, so all workers slow down before a 429. An OAuth 401 is refreshed once.
 */
export class JiraClient {
  private auth: string;
  private refreshed = false;
  site: JiraSite | undefined;

  constructor(
    private readonly ctx: ConnectorContext<JiraConfig>,
    private credential: Credential | undefined,
  ) {
    this.auth = authHeader(credential);
  }

  get isOAuth(): boolean {
    return this.credential?.kind === 'oauth2';
  }

  /** Finds the site: the configured URL (API token), or the grant's accessible resource matching it (OAuth). */
  async resolveSite(): Promise<JiraSite> {
    if (this.site) return this.site;
    const { config } = this.ctx;
    if (!this.isOAuth) {
      if (!config.siteUrl)
        throw new TributaryError('invalid_config', 'siteUrl is required with an API token', {
          issues: [{ path: 'siteUrl', message: 'set it to https://your-domain.atlassian.net' }],
        });
      this.site = { restBase: trim(config.siteUrl), siteUrl: trim(config.siteUrl) };
      return this.site;
    }
    const resources = await this.request<AccessibleResource[]>(
      `${trim(config.apiUrl)}/oauth/token/accessible-resources`,
    );
    const jira = resources.filter((r) => !r.scopes || r.scopes.some((s) => s.includes('jira')));
    const wanted = config.siteUrl ? jira.filter((r) => trim(r.url) === trim(config.siteUrl!)) : jira;
    if (wanted.length !== 1)
      throw new TributaryError(
        wanted.length ? 'invalid_config' : 'permission_denied',
        wanted.length
          ? `The grant reaches ${wanted.length} Jira sites (${wanted.map((r) => r.url).join(', ')}): set siteUrl to one of them`
          : `The OAuth grant reaches no Jira site${config.siteUrl ? ` at ${config.siteUrl}` : ''}: connect again and pick the site`,
      );
    const r = wanted[0]!;
    this.site = { restBase: `${trim(config.apiUrl)}/ex/jira/${r.id}`, siteUrl: trim(r.url), cloudId: r.id };
    return this.site;
  }

  /** GET (or POST with a JSON body) a REST path of the site, parsed; errors mapped with a fix. */
  async get<T>(path: string, query: Record<string, string | number | undefined> = {}): Promise<T> {
    const site = await this.resolveSite();
    const url = new URL(`${site.restBase}${path}`);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    return this.request<T>(url.toString());
  }

  private async request<T>(url: string): Promise<T> {
    const { ctx } = this;
    for (;;) {
      if (ctx.signal.aborted) throw abortError(ctx.signal);
      const res = await ctx.http.fetch(url, {
        headers: { authorization: this.auth, accept: 'application/json' },
        buffer: true,
      });
      if (res.headers.get('x-ratelimit-nearlimit') === 'true') ctx.rateLimiter.pauseFor(1000);
      if (res.ok) return (await res.json()) as T;
      if (res.status === 401 && this.isOAuth && !this.refreshed) {
        this.refreshed = true;
        const next = await ctx.credentials.refresh();
        const header = authHeader(next);
        if (header !== this.auth) {
          this.credential = next;
          this.auth = header;
          continue;
        }
      }
      throw await toJiraError(res, url);
    }
  }
}

/** A failed response as a TributaryError: Jira's `errorMessages` (never the Authorization header) and a fix. */
async function toJiraError(res: Response, url: string): Promise<TributaryError> {
  let detail = '';
  try {
    const body = (await res.json()) as { errorMessages?: string[]; message?: string };
    detail = body.errorMessages?.join('; ') || body.message || '';
  } catch {
    detail = '';
  }
  const path = new URL(url).pathname;
  const fix =
    res.status === 401
      ? ' — the API token or OAuth grant is invalid: store a new one or connect again'
      : res.status === 403
        ? ' — the user lacks permission (Browse projects)'
        : res.status === 400 && path.endsWith('/search/jql')
          ? ' — check the jql filter in the config'
          : '';
  const err = errorForStatus(res.status, `Jira ${path} answered ${res.status}${detail ? `: ${detail}` : ''}${fix}`);
  return res.status === 400
    ? new TributaryError(path.endsWith('/search/jql') ? 'invalid_config' : 'upstream_error', err.message, {
        details: { status: 400 },
      })
    : err;
}
