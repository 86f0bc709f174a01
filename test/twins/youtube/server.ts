import { readFileSync } from 'node:fs';
import { startTwinServer, testdataPath, type TwinRequest, type TwinResponse, type TwinServer } from '../kit/index.js';
import { bearerOf, googleError, invalidCredentials } from '../google/errors.js';
import { TWIN_QUOTA_COST, YoutubeState, type TwinVideo } from './state.js';

export interface YoutubeTwin extends TwinServer {
  state: YoutubeState;
  /** The `rootUrl` for `@googleapis/youtube`: `<url>/`. */
  rootUrl: string;
}

const FIXTURES = 'youtube/youtube-transcript-api';
const fixture = (name: string): unknown => JSON.parse(readFileSync(testdataPath(FIXTURES, name), 'utf8'));

const etag = (s: string): string => Buffer.from(s).toString('base64url').slice(0, 27);
const pageToken = (offset: number): string => Buffer.from(`offset:${offset}`).toString('base64url');
const offsetOf = (token: string): number | undefined => {
  const m = /^offset:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  return m ? Number(m[1]) : undefined;
};
const xmlEscape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Starts the YouTube twin on 127.0.0.1, port 0: the Data API v3 (`/youtube/v3/channels`, `playlistItems`, `videos`,
 * `captions`, `captions/{id}`) with API keys and OAuth tokens, quota units charged per call (403 quotaExceeded past
 * the day's quota), page tokens, and the web player's caption endpoints (`/youtubei/v1/player`, `/api/timedtext`)
 * answering in the shapes of the real fixtures in testdata/youtube.
 */
export async function startYoutubeTwin(state: YoutubeState, options: { record?: boolean } = {}): Promise<YoutubeTwin> {
  const player = fixture('youtube.innertube.json.static') as Record<string, unknown>;
  const disabled = fixture('youtube_transcripts_disabled.innertube.json.static');
  const unavailable = fixture('youtube_video_unavailable.innertube.json.static');
  let url = '';

  /** Who is calling: the channel of an OAuth token, or `key` for a valid API key. */
  const caller = (req: TwinRequest): { channel?: string } | TwinResponse => {
    const token = bearerOf(req.headers);
    if (token) {
      const channel = state.tokens.get(token);
      return channel && !state.expiredTokens.has(token) ? { channel } : invalidCredentials();
    }
    if (req.query.key) {
      return state.apiKeys.has(req.query.key)
        ? {}
        : googleError(400, 'keyInvalid', 'API key not valid. Please pass a valid API key.', {
            status: 'INVALID_ARGUMENT',
          });
    }
    return googleError(403, 'forbidden', 'The request is missing a valid API key.', { status: 'PERMISSION_DENIED' });
  };
  const who = (req: TwinRequest): { channel?: string } => caller(req) as { channel?: string };
  const visibleTo = (v: TwinVideo, channel: string | undefined): boolean =>
    !v.deleted && (v.privacy !== 'private' || v.channelId === channel);
  const forbidden = (): TwinResponse =>
    googleError(
      403,
      'forbidden',
      'The permissions associated with the request are not sufficient to download the caption track.',
    );

  const videoView = (v: TwinVideo): Record<string, unknown> => ({
    kind: 'youtube#video',
    etag: etag(`${v.id}:${v.title}:${v.description}:${v.privacy}`),
    id: v.id,
    snippet: {
      publishedAt: v.publishedAt,
      channelId: v.channelId,
      title: v.title,
      description: v.description,
      thumbnails: { default: { url: `https://i.ytimg.com/vi/${v.id}/default.jpg`, width: 120, height: 90 } },
      channelTitle: state.channels.get(v.channelId)?.title ?? '',
      tags: v.tags,
      categoryId: '28',
      liveBroadcastContent: 'none',
      localized: { title: v.title, description: v.description },
    },
    contentDetails: {
      duration: v.duration,
      dimension: '2d',
      definition: 'hd',
      caption: String(v.tracks.length > 0),
      licensedContent: false,
      projection: 'rectangular',
    },
    status: {
      uploadStatus: 'processed',
      privacyStatus: v.privacy,
      license: 'youtube',
      embeddable: true,
      publicStatsViewable: true,
      madeForKids: false,
    },
  });

  const twin = await startTwinServer({
    record: options.record ?? true,
    before(req, route) {
      if (!route.name.startsWith('youtube.')) return undefined;
      const c = caller(req);
      if ('status' in c || 'body' in c) return c as TwinResponse;
      const cost = TWIN_QUOTA_COST[route.name] ?? 1;
      if (state.quotaUsed + cost > state.dailyQuota)
        return googleError(
          403,
          'quotaExceeded',
          'The request cannot be completed because you have exceeded your quota.',
          {
            domain: 'youtube.quota',
          },
        );
      state.quotaUsed += cost;
      return undefined;
    },
    routes: [
      {
        method: 'GET',
        pattern: '/youtube/v3/channels',
        name: 'youtube.channels.list',
        handler(req) {
          const id = req.query.mine === 'true' ? who(req).channel : req.query.id;
          if (req.query.mine === 'true' && !id) return googleError(401, 'authError', 'mine requires an OAuth token');
          const ch = id ? state.channels.get(id) : undefined;
          return {
            body: {
              kind: 'youtube#channelListResponse',
              etag: etag(`channels:${id}`),
              pageInfo: { totalResults: ch ? 1 : 0, resultsPerPage: 5 },
              items: ch
                ? [
                    {
                      kind: 'youtube#channel',
                      etag: etag(ch.id),
                      id: ch.id,
                      snippet: { title: ch.title, description: '', publishedAt: '2020-01-01T00:00:00Z' },
                      contentDetails: { relatedPlaylists: { likes: '', uploads: YoutubeState.uploadsOf(ch.id) } },
                    },
                  ]
                : [],
            },
          };
        },
      },
      {
        method: 'GET',
        pattern: '/youtube/v3/playlistItems',
        name: 'youtube.playlistItems.list',
        handler(req) {
          const channel = req.query.playlistId ? state.channelOfPlaylist(req.query.playlistId) : undefined;
          if (!channel)
            return googleError(
              404,
              'playlistNotFound',
              "The playlist identified with the request's <code>playlistId</code> parameter cannot be found.",
            );
          const max = Math.min(50, Math.max(0, Number(req.query.maxResults ?? 5)));
          const offset = req.query.pageToken ? offsetOf(req.query.pageToken) : 0;
          if (offset === undefined)
            return googleError(400, 'invalidPageToken', 'The request specifies an invalid page token.');
          const all = state.uploads(channel.id);
          const slice = all.slice(offset, offset + max);
          const me = who(req).channel;
          return {
            body: {
              kind: 'youtube#playlistItemListResponse',
              etag: etag(`pl:${offset}:${all.length}`),
              ...(offset + max < all.length ? { nextPageToken: pageToken(offset + max) } : {}),
              ...(offset > 0 ? { prevPageToken: pageToken(Math.max(0, offset - max)) } : {}),
              pageInfo: { totalResults: all.length, resultsPerPage: max },
              items: slice.map((v, i) => {
                // a private video stays in the playlist as "Private video", without videoPublishedAt, to others
                const hidden = v.privacy === 'private' && v.channelId !== me;
                return {
                  kind: 'youtube#playlistItem',
                  etag: etag(`pi:${v.id}:${v.title}:${v.privacy}`),
                  id: Buffer.from(`${req.query.playlistId}.${v.id}`).toString('base64url'),
                  snippet: {
                    publishedAt: v.publishedAt,
                    channelId: channel.id,
                    title: hidden ? 'Private video' : v.title,
                    description: hidden ? 'This video is private.' : v.description,
                    thumbnails: {},
                    channelTitle: channel.title,
                    playlistId: req.query.playlistId,
                    position: offset + i,
                    resourceId: { kind: 'youtube#video', videoId: v.id },
                    ...(hidden ? {} : { videoOwnerChannelTitle: channel.title, videoOwnerChannelId: channel.id }),
                  },
                  contentDetails: { videoId: v.id, ...(hidden ? {} : { videoPublishedAt: v.publishedAt }) },
                  status: { privacyStatus: v.privacy },
                };
              }),
            },
          };
        },
      },
      {
        method: 'GET',
        pattern: '/youtube/v3/videos',
        name: 'youtube.videos.list',
        handler(req) {
          const me = who(req).channel;
          const ids = (req.query.id ?? '').split(',').filter(Boolean);
          if (ids.length > 50) return googleError(400, 'invalidParameter', 'Too many ids (at most 50).');
          const found = ids.map((id) => state.videos.get(id)).filter((v): v is TwinVideo => !!v && visibleTo(v, me));
          return {
            body: {
              kind: 'youtube#videoListResponse',
              etag: etag(`videos:${ids.join(',')}`),
              pageInfo: { totalResults: found.length, resultsPerPage: found.length },
              items: found.map(videoView),
            },
          };
        },
      },
      {
        method: 'GET',
        pattern: '/youtube/v3/captions',
        name: 'youtube.captions.list',
        handler(req) {
          const v = state.videos.get(req.query.videoId ?? '');
          const me = who(req).channel;
          if (!v || v.deleted)
            return googleError(
              404,
              'videoNotFound',
              'The video identified by the videoId parameter could not be found.',
            );
          if (v.channelId !== me) return forbidden();
          return {
            body: {
              kind: 'youtube#captionListResponse',
              etag: etag(`captions:${v.id}`),
              items: v.tracks.map((t) => ({
                kind: 'youtube#caption',
                etag: etag(t.id),
                id: t.id,
                snippet: {
                  videoId: v.id,
                  lastUpdated: v.publishedAt,
                  // the Discovery document's enum: standard, ASR, forced
                  trackKind: t.kind === 'asr' ? 'ASR' : 'standard',
                  language: t.language,
                  name: '',
                  audioTrackType: 'unknown',
                  isCC: false,
                  isLarge: false,
                  isEasyReader: false,
                  isDraft: false,
                  isAutoSynced: false,
                  status: 'serving',
                },
              })),
            },
          };
        },
      },
      {
        method: 'GET',
        pattern: '/youtube/v3/captions/:id',
        name: 'youtube.captions.download',
        handler(req) {
          const me = who(req).channel;
          for (const v of state.videos.values()) {
            const t = v.tracks.find((x) => x.id === req.params.id);
            if (!t) continue;
            if (v.channelId !== me) return forbidden();
            const ts = (s: number): string => new Date(s * 1000).toISOString().slice(11, 23);
            const vtt = ['WEBVTT', ...t.cues.map((c) => `${ts(c.start)} --> ${ts(c.start + c.dur)}\n${c.text}`)].join(
              '\n\n',
            );
            return { headers: { 'content-type': 'text/vtt' }, body: `${vtt}\n` };
          }
          return googleError(404, 'captionNotFound', 'The caption track could not be found.');
        },
      },
      {
        method: 'POST',
        pattern: '/youtubei/v1/player',
        name: 'player',
        handler(req) {
          const id = (req.json as { videoId?: string } | undefined)?.videoId ?? '';
          const v = state.videos.get(id);
          if (!v || v.deleted || v.privacy === 'private') return { body: unavailable };
          if (v.transcriptsDisabled || !v.tracks.length) return { body: disabled };
          const captionTracks = v.tracks.map((t) => ({
            baseUrl: `${url}/api/timedtext?v=${v.id}&lang=${t.language}${t.kind === 'asr' ? '&kind=asr' : ''}`,
            name: { runs: [{ text: t.kind === 'asr' ? `${t.language} (auto-generated)` : t.language }] },
            vssId: `${t.kind === 'asr' ? 'a' : ''}.${t.language}`,
            languageCode: t.language,
            ...(t.kind === 'asr' ? { kind: 'asr' } : {}),
            isTranslatable: true,
            trackName: '',
          }));
          const captions = {
            playerCaptionsTracklistRenderer: { captionTracks, audioTracks: [], translationLanguages: [] },
          };
          return { body: { ...player, captions, videoDetails: { videoId: v.id, title: v.title } } };
        },
      },
      {
        method: 'GET',
        pattern: '/api/timedtext',
        name: 'timedtext',
        handler(req) {
          const v = state.videos.get(req.query.v ?? '');
          const t = v?.tracks.find((x) => x.language === req.query.lang);
          // YouTube answers an unknown track with an empty 200
          if (!v || !t) return { headers: { 'content-type': 'text/xml' }, body: '' };
          if (v.timedTextXml) return { headers: { 'content-type': 'text/xml; charset=UTF-8' }, body: v.timedTextXml };
          const lines = t.cues.map(
            (c) => `<text start="${c.start}" dur="${c.dur}">${xmlEscape(xmlEscape(c.text))}</text>`,
          );
          return {
            headers: { 'content-type': 'text/xml; charset=UTF-8' },
            body: `<?xml version="1.0" encoding="utf-8" ?><transcript>${lines.join('')}</transcript>`,
          };
        },
      },
    ],
  });
  url = twin.url;
  return Object.assign(twin, { state, rootUrl: `${twin.url}/` });
}
