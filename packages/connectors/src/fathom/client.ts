import { TributaryError, type ConnectorContext } from '@tributary/sdk';
import type { FathomConfig } from './config.js';
import type { FathomMeetingPage } from './map.js';

/** What to ask `GET /meetings` for. */
export interface ListOptions {
  cursor?: string | undefined;
  createdAfter?: string | undefined;
  /** Transcript, summary and action items (off for the reconcile pass, which only needs ids). */
  content: boolean;
}

/**
 * The Fathom External API over the SDK's HTTP helper (retries, 429 + Retry-After, the source's rate limiter),
 * authenticated by the API key in `X-Api-Key` (https://developers.fathom.ai/quickstart).
 */
export class FathomClient {
  constructor(
    private readonly ctx: ConnectorContext<FathomConfig>,
    private readonly apiKey: string,
  ) {}

  /** @throws TributaryError `auth_invalid` when no API key is stored */
  static async create(ctx: ConnectorContext<FathomConfig>): Promise<FathomClient> {
    const c = await ctx.credentials.get();
    const key = c?.kind === 'token' ? c.token : c?.kind === 'password' ? c.password : undefined;
    if (!key)
      throw new TributaryError('auth_invalid', 'No Fathom API key stored for this source (Settings → API Access).');
    return new FathomClient(ctx, key);
  }

  /**
   * One page of meetings, newest first.
   * @throws TributaryError `auth_invalid` (401), `cursor_invalid` when Fathom refuses the cursor, `rate_limited`
   */
  async meetings(o: ListOptions): Promise<FathomMeetingPage> {
    const { config } = this.ctx;
    const q = new URLSearchParams();
    if (o.cursor) q.set('cursor', o.cursor);
    if (o.createdAfter) q.set('created_after', o.createdAfter);
    if (o.content) {
      if (config.transcript) q.set('include_transcript', 'true');
      if (config.summary) q.set('include_summary', 'true');
      if (config.actionItems) q.set('include_action_items', 'true');
    }
    const url = `${config.baseUrl.replace(/\/+$/, '')}/meetings${q.size ? `?${q}` : ''}`;
    try {
      const page = await this.ctx.http.json<FathomMeetingPage>(url, { headers: { 'X-Api-Key': this.apiKey } });
      if (!page || !Array.isArray(page.items))
        throw new TributaryError('upstream_error', 'Fathom GET /meetings answered without an items array');
      return page;
    } catch (err) {
      // 400 on a page request with a cursor: the cursor is stale or foreign (the read starts the pass over)
      if (err instanceof TributaryError && o.cursor && err.code === 'upstream_error')
        throw new TributaryError('cursor_invalid', `Fathom refused the page cursor: ${err.message}`, { cause: err });
      if (err instanceof TributaryError && err.code === 'auth_invalid')
        throw new TributaryError(
          'auth_invalid',
          `Fathom refused the API key (create one under Settings → API Access): ${err.message}`,
          { cause: err },
        );
      throw err;
    }
  }
}
