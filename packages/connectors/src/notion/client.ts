import { APIErrorCode, Client, isNotionClientError, LogLevel } from '@notionhq/client';
import { abortError, TributaryError, type ConnectorContext, type Credential } from '@tributary/sdk';
import type { NotionConfig } from './config.js';

/** The API edition this connector speaks: data sources replace databases (https://developers.notion.com/reference/versioning). */
export const NOTION_VERSION = '2025-09-03';

/** The bearer token of a stored credential: an internal integration secret or a public integration's OAuth token. */
export function notionToken(credential: Credential | undefined): string {
  if (credential?.kind === 'token') return credential.token;
  if (credential?.kind === 'oauth2') return credential.accessToken;
  throw new TributaryError(
    'auth_invalid',
    'No Notion token stored for this source: add an internal integration secret or connect with OAuth.',
  );
}

/** Notion's error codes (https://developers.notion.com/reference/status-codes) mapped to ours, with the fix. */
const CODES: Partial<Record<string, { code: TributaryError['code']; fix: string }>> = {
  [APIErrorCode.Unauthorized]: {
    code: 'auth_invalid',
    fix: 'the token is invalid or revoked: store a new integration secret or connect again',
  },
  [APIErrorCode.RestrictedResource]: {
    code: 'permission_denied',
    fix: 'give the integration the "Read content" capability',
  },
  [APIErrorCode.ObjectNotFound]: {
    code: 'not_found',
    fix: 'share the page with the integration (… → Connections)',
  },
  [APIErrorCode.RateLimited]: { code: 'rate_limited', fix: 'Notion allows about 3 requests per second' },
  [APIErrorCode.InvalidRequest]: { code: 'upstream_error', fix: 'the request was refused' },
  [APIErrorCode.ValidationError]: { code: 'upstream_error', fix: 'the request was refused' },
  missing_version: { code: 'upstream_error', fix: 'the Notion-Version header was refused' },
};

/** Maps a Notion client failure to a TributaryError with a code and a fix. */
export function toNotionError(err: unknown, what: string): TributaryError {
  if (err instanceof TributaryError) return err;
  if (isNotionClientError(err)) {
    const e = err as { code: string; status?: number; message: string };
    const known = CODES[e.code];
    if (known)
      return new TributaryError(known.code, `${what}: ${e.message} (${e.code}) — ${known.fix}`, {
        cause: err,
        details: { notionCode: e.code },
      });
    if ((e.status ?? 0) >= 500 || e.code === 'notionhq_client_request_timeout')
      return new TributaryError('upstream_unavailable', `${what}: Notion answered ${e.status ?? e.code}`, {
        cause: err,
      });
  }
  return new TributaryError('upstream_error', `${what}: ${(err as Error)?.message ?? String(err)}`, { cause: err });
}

/**
 * The official client on `ctx.http` — the one layer that retries (429 with `Retry-After`, 5xx, cut connections,
 * truncated bodies) and waits on the source's rate limiter — with the client's own retries off, so nothing
 * multiplies the attempts. A 401 on an OAuth credential is refreshed once and the call repeated.
 */
export class NotionClient {
  private api: Client;
  private token: string;
  private refreshed = false;

  constructor(
    private readonly ctx: ConnectorContext<NotionConfig>,
    credential: Credential | undefined,
  ) {
    this.token = notionToken(credential);
    this.api = this.create(this.token);
    this.oauth = credential?.kind === 'oauth2';
  }

  private readonly oauth: boolean;

  private create(token: string): Client {
    const { ctx } = this;
    const quiet = (level: LogLevel, message: string): void => {
      if (level === LogLevel.WARN || level === LogLevel.ERROR) ctx.logger.debug(`notion client: ${message}`);
    };
    return new Client({
      auth: token,
      baseUrl: ctx.config.baseUrl.replace(/\/+$/, ''),
      notionVersion: NOTION_VERSION,
      timeoutMs: ctx.config.requestTimeoutMs,
      retry: false,
      logLevel: LogLevel.WARN,
      logger: quiet,
      fetch: async (url, init) => ctx.http.fetch(url, { ...(init as RequestInit), buffer: true }),
    });
  }

  /** Runs one API call (`what` names it in errors), refreshing an expired OAuth token once. */
  async call<T>(what: string, fn: (api: Client) => Promise<T>): Promise<T> {
    for (;;) {
      if (this.ctx.signal.aborted) throw abortError(this.ctx.signal);
      try {
        return await fn(this.api);
      } catch (err) {
        if (this.ctx.signal.aborted) throw abortError(this.ctx.signal);
        const unauthorized = isNotionClientError(err) && (err as { code: string }).code === APIErrorCode.Unauthorized;
        if (unauthorized && this.oauth && !this.refreshed) {
          this.refreshed = true;
          const next = notionToken(await this.ctx.credentials.refresh());
          if (next !== this.token) {
            this.token = next;
            this.api = this.create(next);
            continue;
          }
        }
        throw toNotionError(err, what);
      }
    }
  }
}
