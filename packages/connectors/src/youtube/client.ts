import { youtube, type youtube_v3 } from '@googleapis/youtube';
import { TributaryError, type ConnectorContext } from '@tributary/sdk';
import { GoogleCaller, type GoogleCallOptions } from '../lib/google/caller.js';
import type { YoutubeConfig } from './config.js';
import { QUOTA_COST, type QuotaBudget, type QuotaMethod } from './quota.js';
import { playerCaptions, type PlayerCaptions, type PlayerTrack } from './transcript.js';

export type PlaylistItem = youtube_v3.Schema$PlaylistItem;
export type Video = youtube_v3.Schema$Video;
export type Caption = youtube_v3.Schema$Caption;

/** The playlist a source reads, with its channel. */
export interface Target {
  playlistId: string;
  channelId?: string;
  channelTitle?: string;
}

/**
 * A thin typed client over `@googleapis/youtube`. Every Data API call spends its quota cost from the day's budget
 * first (so the sync stops before Google refuses) and goes through the shared Google caller (retries, 429/403
 * rate-limit reasons, one refresh on 401). With a pasted token the credential is a Data API key, sent as `key=`;
 * with OAuth it is a bearer token and the channel's own captions can be downloaded.
 */
export class YoutubeClient {
  readonly caller: GoogleCaller;
  private readonly api: youtube_v3.Youtube;

  constructor(
    private readonly ctx: ConnectorContext<YoutubeConfig>,
    private readonly budget: QuotaBudget,
    /** The Data API key, when the credential is one (no OAuth). */
    private readonly apiKey: string | undefined,
  ) {
    this.caller = new GoogleCaller(ctx, 'YouTube');
    const root = ctx.config.rootUrl.endsWith('/') ? ctx.config.rootUrl : `${ctx.config.rootUrl}/`;
    this.api = youtube({ version: 'v3', rootUrl: root });
  }

  /** Whether captions.download is possible (an OAuth credential). */
  get oauth(): boolean {
    return this.apiKey === undefined;
  }

  private call<T>(
    method: QuotaMethod,
    fn: (o: GoogleCallOptions, key: { key?: string }) => Promise<{ data: T }>,
  ): Promise<T> {
    this.budget.spend(method);
    this.ctx.metrics?.set('quota_units_used', this.budget.used);
    const key = this.apiKey ? { key: this.apiKey } : {};
    // the limiter counts calls; the daily units are the budget's (a 200-unit download is one request)
    return this.caller
      .call(method, 1, (o) => fn(this.apiKey ? { ...o, headers: {} } : o, key))
      .catch((err: unknown) => {
        // Google answers a bad API key with 400 keyInvalid (or 403 forbidden when it is missing): a credential problem
        const reason = err instanceof TributaryError ? err.details?.googleReason : undefined;
        if (this.apiKey && (reason === 'keyInvalid' || reason === 'forbidden') && method === 'channels.list')
          throw new TributaryError(
            'auth_invalid',
            'The YouTube Data API key is not valid: paste a key of a project with the YouTube Data API enabled',
            { cause: err },
          );
        throw err;
      });
  }

  /**
   * The playlist to read: `playlistId` as given, or the uploads playlist of `channelId` (or of the OAuth user's
   * own channel).
   * @throws TributaryError `not_found` for an unknown channel, `invalid_config` for "mine" with an API key
   */
  async target(config: YoutubeConfig): Promise<Target> {
    if (config.playlistId) return { playlistId: config.playlistId };
    if (!config.channelId && !this.oauth)
      throw new TributaryError(
        'invalid_config',
        'config.channelId: set a channel (or playlistId) — "your own channel" needs an OAuth connection, not an API key',
      );
    const res = await this.call('channels.list', (o, key) =>
      this.api.channels.list(
        {
          part: ['snippet', 'contentDetails'],
          ...(config.channelId ? { id: [config.channelId] } : { mine: true }),
          ...key,
        },
        o,
      ),
    );
    const ch = res.items?.[0];
    const uploads = ch?.contentDetails?.relatedPlaylists?.uploads;
    if (!ch || !uploads)
      throw new TributaryError('not_found', `YouTube channel ${config.channelId ?? '(yours)'} not found`);
    return {
      playlistId: uploads,
      ...(ch.id ? { channelId: ch.id } : {}),
      ...(ch.snippet?.title ? { channelTitle: ch.snippet.title } : {}),
    };
  }

  playlistPage(playlistId: string, pageToken: string | undefined): Promise<youtube_v3.Schema$PlaylistItemListResponse> {
    return this.call('playlistItems.list', (o, key) =>
      this.api.playlistItems.list(
        {
          part: ['snippet', 'contentDetails', 'status'],
          playlistId,
          maxResults: 50,
          ...(pageToken ? { pageToken } : {}),
          ...key,
        },
        o,
      ),
    );
  }

  async videos(ids: string[]): Promise<Video[]> {
    if (!ids.length) return [];
    const res = await this.call('videos.list', (o, key) =>
      // one comma-separated `id`, as the reference documents it (the client would repeat the parameter)
      this.api.videos.list(
        { part: ['snippet', 'contentDetails', 'status'], id: [ids.join(',')], maxResults: 50, ...key },
        o,
      ),
    );
    return res.items ?? [];
  }

  /**
   * Before an owner transcript: both of its calls (captions.list + captions.download) must fit, so a video is never
   * stored without the transcript the budget ran out for.
   * @throws QuotaStop when they do not
   */
  ensureOwnerTranscriptFits(): void {
    if (!this.budget.fits(QUOTA_COST['captions.list'] + QUOTA_COST['captions.download'])) throw this.budget.stop();
  }

  async captions(videoId: string): Promise<Caption[]> {
    const res = await this.call('captions.list', (o, key) =>
      this.api.captions.list({ part: ['snippet'], videoId, ...key }, o),
    );
    return res.items ?? [];
  }

  /** A caption track as WebVTT. */
  async download(captionId: string): Promise<string> {
    const data = await this.call('captions.download', (o, key) =>
      this.api.captions.download({ id: captionId, tfmt: 'vtt', ...key }, { ...o, responseType: 'text' }),
    );
    return String(data);
  }

  /**
   * The caption tracks the web player offers for a video (no quota; not part of the Data API, so it may change or
   * be refused without notice).
   */
  async playerCaptions(videoId: string): Promise<PlayerCaptions> {
    const json = await this.ctx.http.json(`${this.ctx.config.webUrl}/youtubei/v1/player`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ context: { client: { clientName: 'WEB', clientVersion: '2.20250101.00.00' } }, videoId }),
    });
    return playerCaptions(json);
  }

  /** A player track's timedtext XML, fetched only from the configured web origin (never a URL elsewhere). */
  async timedText(track: PlayerTrack): Promise<string> {
    const given = new URL(track.baseUrl, this.ctx.config.webUrl);
    const url = new URL(`${given.pathname}${given.search}`, this.ctx.config.webUrl);
    const res = await this.ctx.http.fetch(url);
    if (!res.ok) throw new TributaryError('upstream_error', `YouTube timedtext answered ${res.status}`);
    return res.text();
  }
}
