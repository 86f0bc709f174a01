import { abortError, errorForStatus, TributaryError, type ConnectorContext, type Credential } from '@tributary/sdk';

/** The product a client talks to: its name in `/ex/{product}/{cloudId}` and in OAuth scopes. */
export type AtlassianProduct = 'jira' | 'confluence';

const TITLES: Record<AtlassianProduct, string> = { jira: 'Jira', confluence: 'Confluence' };

/** The config fields the client reads (Jira and Confluence both have them). */
export interface AtlassianSiteConfig {
  siteUrl?: string | undefined;
  apiUrl: string;
}

/** How requests reach the site: its REST base, the site URL for links, and the cloud id (OAuth). */
export interface AtlassianSite {
  /** `https://x.atlassian.net` (API token) or `https://api.atlassian.com/ex/{product}/{cloudId}` (OAuth). */
  restBase: string;
  /** The site URL (links to issues and pages). */
  siteUrl: string;
  cloudId?: string;
}

interface AccessibleResource {
  id: string;
  url: string;
  scopes?: string[];
}

const trim = (u: string): string => u.replace(/\/+$/, '');

/** The Authorization header of a credential: Basic `email:api-token`, or the OAuth bearer token. */
export function authHeader(credential: Credential | undefined, product: AtlassianProduct): string {
  if (credential?.kind === 'oauth2') return `Bearer ${credential.accessToken}`;
  const email = credential?.kind === 'password' ? credential.username : credential?.extra?.email;
  const token =
    credential?.kind === 'password' ? credential.password : credential?.kind === 'token' ? credential.token : undefined;
  if (!email || !token)
    throw new TributaryError(
      'auth_invalid',
      `No ${TITLES[product]} credential: store an API token with its e-mail (username + password, or a token with extra.email), or connect with OAuth.`,
    );
  return `Basic ${Buffer.from(`${email}:${token}`).toString('base64')}`;
}

/**
 * A thin client for Jira and Confluence Cloud on `ctx.http` (the one retry layer: 429 `Retry-After`, 5xx, cut
 * bodies; the source's rate limiter). Atlassian's cost-based limits send `X-RateLimit-NearLimit: true` before they
 * refuse: the source's limiter pauses a second then, so all workers slow down before a 429. With OAuth the site is
 * found through `accessible-resources`; a 401 is refreshed once.
 */
export class AtlassianClient {
  private auth: string;
  private refreshed = false;
  private site: AtlassianSite | undefined;

  constructor(
    private readonly ctx: ConnectorContext<AtlassianSiteConfig>,
    private credential: Credential | undefined,
    readonly product: AtlassianProduct,
  ) {
    this.auth = authHeader(credential, product);
  }

  get isOAuth(): boolean {
    return this.credential?.kind === 'oauth2';
  }

  /** Finds the site: the configured URL (API token), or the grant's accessible resource matching it (OAuth). */
  async resolveSite(): Promise<AtlassianSite> {
    if (this.site) return this.site;
    const { config } = this.ctx;
    const title = TITLES[this.product];
    if (!this.isOAuth) {
      if (!config.siteUrl)
        throw new TributaryError('invalid_config', 'siteUrl is required with an API token', {
          issues: [{ path: 'siteUrl', message: 'set it to https://your-domain.atlassian.net' }],
        });
      this.site = { restBase: trim(config.siteUrl), siteUrl: trim(config.siteUrl) };
      return this.site;
    }
    const resources = await this.getUrl<AccessibleResource[]>(
      `${trim(config.apiUrl)}/oauth/token/accessible-resources`,
    );
    const ours = resources.filter((r) => !r.scopes || r.scopes.some((s) => s.includes(this.product)));
    const wanted = config.siteUrl ? ours.filter((r) => trim(r.url) === trim(config.siteUrl!)) : ours;
    if (wanted.length !== 1)
      throw new TributaryError(
        wanted.length ? 'invalid_config' : 'permission_denied',
        wanted.length
          ? `The grant reaches ${wanted.length} ${title} sites (${wanted.map((r) => r.url).join(', ')}): set siteUrl to one of them`
          : `The OAuth grant reaches no ${title} site${config.siteUrl ? ` at ${config.siteUrl}` : ''}: connect again and pick the site`,
      );
    const r = wanted[0]!;
    this.site = { restBase: `${trim(config.apiUrl)}/ex/${this.product}/${r.id}`, siteUrl: trim(r.url), cloudId: r.id };
    return this.site;
  }

  /** GET a path of the site's REST API (`/rest/api/3/…`, `/wiki/api/v2/…`, or a `_links.next`), parsed. */
  async get<T>(path: string, query: Record<string, string | number | undefined> = {}): Promise<T> {
    const site = await this.resolveSite();
    const url = new URL(`${site.restBase}${path}`);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    return this.getUrl<T>(url.toString());
  }

  private async getUrl<T>(url: string): Promise<T> {
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
        const header = authHeader(next, this.product);
        if (header !== this.auth) {
          this.credential = next;
          this.auth = header;
          continue;
        }
      }
      throw await toAtlassianError(res, url, TITLES[this.product]);
    }
  }
}

/** A failed response as a TributaryError with Atlassian's messages (never the Authorization header) and a fix. */
async function toAtlassianError(res: Response, url: string, title: string): Promise<TributaryError> {
  let detail = '';
  try {
    const body = (await res.json()) as {
      errorMessages?: string[];
      message?: string;
      errors?: Array<{ title?: string }> | Record<string, string>;
    };
    const v2 = Array.isArray(body.errors) ? body.errors.map((e) => e.title).filter(Boolean) : [];
    detail = body.errorMessages?.join('; ') || v2.join('; ') || body.message || '';
  } catch {
    detail = '';
  }
  const path = new URL(url).pathname;
  const fix =
    res.status === 401
      ? ' — the API token or OAuth grant is invalid: store a new one or connect again'
      : res.status === 403
        ? ' — the user lacks permission to read this'
        : res.status === 400 && path.endsWith('/search/jql')
          ? ' — check the jql filter in the config'
          : '';
  const message = `${title} ${path} answered ${res.status}${detail ? `: ${detail}` : ''}${fix}`;
  if (res.status !== 400) return errorForStatus(res.status, message);
  return new TributaryError(path.endsWith('/search/jql') ? 'invalid_config' : 'upstream_error', message, {
    details: { status: 400 },
  });
}
