import { setMaxListeners } from 'node:events';
import { Client, type Context, type Middleware } from '@microsoft/microsoft-graph-client';
import { abortError, TributaryError, withRetry, type ConnectorContext, type Credential } from '@tributary/sdk';
import type { OneDriveConfig } from './config.js';
import { toGraphError } from './errors.js';

/** The driveItem fields the connector reads (https://learn.microsoft.com/graph/api/resources/driveitem). */
export interface DriveItem {
  id: string;
  name?: string;
  eTag?: string;
  cTag?: string;
  size?: number;
  webUrl?: string;
  lastModifiedDateTime?: string;
  createdDateTime?: string;
  file?: { mimeType?: string };
  folder?: { childCount?: number };
  root?: object;
  deleted?: { state?: string };
  parentReference?: { driveId?: string; id?: string; path?: string };
  lastModifiedBy?: { user?: { displayName?: string; email?: string; id?: string } };
  createdBy?: { user?: { displayName?: string; email?: string; id?: string } };
  '@microsoft.graph.downloadUrl'?: string;
}

export interface DeltaPage {
  value: DriveItem[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
}

export interface Subscription {
  id: string;
  expirationDateTime: string;
  resource?: string;
  clientState?: string | null;
}

/** Calls of one client, for the run record and the incremental test's "calls per changed item". */
export interface GraphCallStats {
  calls: number;
  downloads: number;
  rateLimited: number;
  waitMs: number;
}

function tokenOf(credential: Credential | undefined): string {
  if (credential?.kind === 'oauth2') return credential.accessToken;
  if (credential?.kind === 'token') return credential.token;
  throw new TributaryError(
    'auth_invalid',
    'No Microsoft credential stored for this OneDrive source: connect it with OAuth (tributary connect <source>).',
  );
}

/**
 * The last middleware of the Graph client's chain: sends the request with the current bearer token and the run's
 * abort signal. The client's default chain (RetryHandler, RedirectHandler …) is not used: the SDK's one retry policy
 * ({@link withRetry} in {@link GraphClient.call}) is the only one that retries.
 */
class FetchWithToken implements Middleware {
  constructor(
    private readonly token: () => string,
    private readonly signal: AbortSignal,
  ) {}
  async execute(context: Context): Promise<void> {
    const headers = new Headers(context.options?.headers as HeadersInit | undefined);
    headers.set('authorization', `Bearer ${this.token()}`);
    context.response = await fetch(context.request, { ...context.options, headers, signal: this.signal });
  }
}

/**
 * A thin client over `@microsoft/microsoft-graph-client` for one drive: each call takes its cost from the source's
 * rate limiter, is counted, and is retried under the SDK's request budget when Graph throttles (429/503 with
 * Retry-After) or fails (5xx, network). A 401 refreshes the credential once and repeats the call.
 */
export class GraphClient {
  readonly stats: GraphCallStats = { calls: 0, downloads: 0, rateLimited: 0, waitMs: 0 };
  /** `/me/drive` or `/drives/{id}`: the drive every path is under. */
  readonly drivePath: string;
  /** The base URL with its version (`https://graph.microsoft.com/v1.0`), no trailing slash. */
  readonly base: string;
  private token: string | undefined;
  private readonly api: Client;
  private readonly signal: AbortSignal;

  constructor(private readonly ctx: ConnectorContext<OneDriveConfig>) {
    const ac = new AbortController();
    setMaxListeners(0, ac.signal);
    if (ctx.signal.aborted) ac.abort(ctx.signal.reason);
    else ctx.signal.addEventListener('abort', () => ac.abort(ctx.signal.reason), { once: true });
    this.signal = ac.signal;
    this.base = ctx.config.baseUrl.replace(/\/+$/, '');
    const cut = this.base.lastIndexOf('/');
    this.api = Client.initWithMiddleware({
      baseUrl: `${this.base.slice(0, cut)}/`,
      defaultVersion: this.base.slice(cut + 1),
      middleware: new FetchWithToken(() => this.token ?? '', this.signal),
    });
    this.drivePath = ctx.config.driveId ? `/drives/${encodeURIComponent(ctx.config.driveId)}` : '/me/drive';
  }

  /**
   * A link Graph handed out (`@odata.nextLink`, `@odata.deltaLink`) as a path under the base URL. A link to any
   * other host is refused: the bearer token must never travel to a server the config did not name.
   */
  relative(link: string): string {
    if (!link.startsWith(`${this.base}/`))
      throw new TributaryError('cursor_invalid', 'A OneDrive delta link does not point at the configured baseUrl.', {
        details: { resync: true },
      });
    return link.slice(this.base.length);
  }

  async call<T>(what: string, fn: (api: Client) => Promise<T>): Promise<T> {
    const { ctx } = this;
    this.token ??= tokenOf(await ctx.credentials.get());
    let refreshed = false;
    for (;;) {
      try {
        return await withRetry(() => this.once(what, fn), {
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
        const next = tokenOf(await ctx.credentials.refresh());
        if (next === this.token) throw new TributaryError('auth_invalid', err.message, { details: err.details });
        this.token = next;
      }
    }
  }

  private async once<T>(what: string, fn: (api: Client) => Promise<T>): Promise<T> {
    const { ctx } = this;
    if (ctx.signal.aborted) throw abortError(ctx.signal);
    const waited = await ctx.rateLimiter.acquire(1, ctx.signal);
    if (waited > 0) {
      ctx.countRateLimitWait(waited);
      this.stats.waitMs += waited;
    }
    ctx.countApiCall(1);
    this.stats.calls++;
    try {
      return await fn(this.api);
    } catch (err) {
      if (ctx.signal.aborted) throw abortError(ctx.signal);
      const e = toGraphError(err, `OneDrive ${what}`);
      // A 401 is not fixed by asking again with the same token: only a refresh (in call) can fix it.
      if (e.code === 'auth_expired')
        throw new TributaryError(e.code, e.message, { details: e.details, retryable: false });
      throw e;
    }
  }

  /** One page of the delta query: from the start of the drive root, or from a next/delta link. */
  delta(link: string | undefined, top: number): Promise<DeltaPage> {
    const path = link ? this.relative(link) : `${this.drivePath}/root/delta`;
    return this.call('delta', (api) => {
      const req = api.api(path);
      return (link ? req : req.top(top)).get() as Promise<DeltaPage>;
    });
  }

  /** One page of a folder's children (`/items/{id}/children`, or a nextLink). */
  children(folderId: string, link?: string): Promise<DeltaPage> {
    const path = link ? this.relative(link) : `${this.drivePath}/items/${encodeURIComponent(folderId)}/children`;
    return this.call('driveItem.children', (api) => {
      const req = api.api(path);
      return (link ? req : req.top(200)).get() as Promise<DeltaPage>;
    });
  }

  item(path: string): Promise<DriveItem> {
    return this.call('driveItem.get', (api) => api.api(path).get() as Promise<DriveItem>);
  }

  /**
   * A file's bytes: through its pre-authenticated `@microsoft.graph.downloadUrl` (no bearer token: it must not
   * leave for the download host) when the delta item carried one, else `/items/{id}/content`.
   */
  async download(item: DriveItem): Promise<Buffer> {
    this.stats.downloads++;
    const url = item['@microsoft.graph.downloadUrl'];
    if (url && /^https?:\/\//.test(url)) {
      this.stats.calls++;
      const res = await this.ctx.http.fetch(url, { signal: this.signal });
      if (res.status === 404 || res.status === 410 || res.status === 401 || res.status === 403) {
        // The short-lived URL expired: ask Graph for the content instead.
        await res.body?.cancel().catch(() => undefined);
      } else if (!res.ok) {
        throw toGraphError(Object.assign(new Error(`HTTP ${res.status}`), { statusCode: res.status }), 'download');
      } else return Buffer.from(await res.arrayBuffer());
    }
    const path = `${this.drivePath}/items/${encodeURIComponent(item.id)}/content`;
    return this.call('driveItem.content', async (api) => {
      const data = (await api
        .api(path)
        .responseType('arraybuffer' as never)
        .get()) as ArrayBuffer;
      return Buffer.from(data);
    });
  }

  subscribe(body: Record<string, unknown>): Promise<Subscription> {
    return this.call('subscriptions.create', (api) => api.api('/subscriptions').post(body) as Promise<Subscription>);
  }

  renew(id: string, expirationDateTime: string): Promise<Subscription> {
    return this.call(
      'subscriptions.update',
      (api) =>
        api.api(`/subscriptions/${encodeURIComponent(id)}`).patch({ expirationDateTime }) as Promise<Subscription>,
    );
  }

  async unsubscribe(id: string): Promise<void> {
    await this.call('subscriptions.delete', (api) => api.api(`/subscriptions/${encodeURIComponent(id)}`).delete());
  }
}
