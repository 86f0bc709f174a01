import { TributaryError, type ConnectorContext } from '@tributary/sdk';
import type { LinkedinConfig } from './config.js';

/** LinkedIn's collection envelope (Rest.li): `elements` and `paging` with `start`, `count` and a `next` link. */
export interface Collection<T> {
  elements: T[];
  paging?: { start?: number; count?: number; total?: number; links?: Array<{ rel?: string; href?: string }> };
}

/** https://learn.microsoft.com/en-us/linkedin/dma/member-data-portability/shared/member-snapshot-api */
export interface SnapshotElement {
  snapshotDomain: string;
  snapshotData: Array<Record<string, string>>;
}

/** https://learn.microsoft.com/en-us/linkedin/dma/member-data-portability/shared/member-changelog-api */
export interface ChangeEvent {
  id: number;
  capturedAt: number;
  processedAt: number;
  resourceName: string;
  resourceId: string;
  method: 'CREATE' | 'UPDATE' | 'PARTIAL_UPDATE' | 'DELETE';
  activity?: Record<string, unknown>;
  activityStatus?: string;
}

/** The versioned REST API over the SDK's HTTP helper, with the member's bearer token. */
export class LinkedinClient {
  constructor(
    private readonly ctx: ConnectorContext<LinkedinConfig>,
    private readonly token: string,
  ) {}

  /** @throws TributaryError `auth_invalid` when no token is stored */
  static async create(ctx: ConnectorContext<LinkedinConfig>): Promise<LinkedinClient> {
    const c = await ctx.credentials.get();
    const token = c?.kind === 'oauth2' ? c.accessToken : c?.kind === 'token' ? c.token : undefined;
    if (!token)
      throw new TributaryError('auth_invalid', 'No LinkedIn token stored: connect the source (tributary connect).');
    return new LinkedinClient(ctx, token);
  }

  private async get<T>(path: string, query: Record<string, string | number | undefined>): Promise<T> {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) q.set(k, String(v));
    try {
      return await this.ctx.http.json<T>(`${this.ctx.config.baseUrl.replace(/\/+$/, '')}${path}?${q}`, {
        headers: {
          authorization: `Bearer ${this.token}`,
          'LinkedIn-Version': this.ctx.config.apiVersion,
          'X-Restli-Protocol-Version': '2.0.0',
        },
      });
    } catch (err) {
      // 403 here means the app lacks the Member Data Portability product or the member is outside the EEA/CH
      if (err instanceof TributaryError && err.code === 'permission_denied')
        throw new TributaryError(
          'permission_denied',
          `${err.message} — the Member Data Portability API needs an app with that product and a member in the EEA or Switzerland`,
          { cause: err },
        );
      throw err;
    }
  }

  snapshot(domain: string, start: number, count = 10): Promise<Collection<SnapshotElement>> {
    return this.get('/rest/memberSnapshotData', { q: 'criteria', domain, start, count });
  }

  changes(startTime: number | undefined, start: number, count = 50): Promise<Collection<ChangeEvent>> {
    return this.get('/rest/memberChangeLogs', { q: 'memberAndApplication', startTime, start, count });
  }
}
