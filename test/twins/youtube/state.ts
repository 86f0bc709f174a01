/**
 * The YouTube twin's world: channels with their uploads, videos with caption tracks, API keys and OAuth tokens,
 * and the quota each project spent today. Behaviour follows the Data API reference
 * (https://developers.google.com/youtube/v3/docs/playlistItems/list, …/videos/list, …/captions/list,
 * …/captions/download, https://developers.google.com/youtube/v3/determine_quota_cost).
 */
export interface TwinCue {
  start: number;
  dur: number;
  text: string;
}

export interface TwinTrack {
  id: string;
  language: string;
  kind: 'standard' | 'asr';
  cues: TwinCue[];
}

export interface TwinVideo {
  id: string;
  channelId: string;
  title: string;
  description: string;
  publishedAt: string;
  privacy: 'public' | 'unlisted' | 'private';
  tags: string[];
  duration: string;
  tracks: TwinTrack[];
  /** The owner turned captions off: the player offers none (captions.list still lists the owner's tracks). */
  transcriptsDisabled?: boolean;
  /** Deleted: gone from videos.list and from the uploads playlist. */
  deleted?: boolean;
  /** Serve this exact timedtext XML (a real fixture) for the public captions. */
  timedTextXml?: string;
}

export interface TwinChannel {
  id: string;
  title: string;
}

/** Quota costs the twin charges, as Google documents them. */
export const TWIN_QUOTA_COST: Record<string, number> = {
  'youtube.channels.list': 1,
  'youtube.playlistItems.list': 1,
  'youtube.videos.list': 1,
  'youtube.captions.list': 50,
  'youtube.captions.download': 200,
};

export class YoutubeState {
  readonly channels = new Map<string, TwinChannel>();
  readonly videos = new Map<string, TwinVideo>();
  readonly apiKeys = new Set<string>();
  /** OAuth access token → the channel it belongs to. */
  readonly tokens = new Map<string, string>();
  readonly expiredTokens = new Set<string>();
  /** Units a project may spend a day (Google's default: 10,000); over it, 403 quotaExceeded. */
  dailyQuota = 10_000;
  quotaUsed = 0;

  addChannel(c: TwinChannel): void {
    this.channels.set(c.id, c);
  }

  addVideo(v: TwinVideo): void {
    this.videos.set(v.id, v);
  }

  /** The uploads playlist id of a channel (`UC…` → `UU…`), as YouTube derives it. */
  static uploadsOf(channelId: string): string {
    return `UU${channelId.slice(2)}`;
  }

  channelOfPlaylist(playlistId: string): TwinChannel | undefined {
    return playlistId.startsWith('UU') ? this.channels.get(`UC${playlistId.slice(2)}`) : undefined;
  }

  /** A channel's uploads, newest first (deleted videos are gone; private ones stay as "Private video"). */
  uploads(channelId: string): TwinVideo[] {
    return [...this.videos.values()]
      .filter((v) => v.channelId === channelId && !v.deleted)
      .sort((a, b) => (a.publishedAt < b.publishedAt ? 1 : a.publishedAt > b.publishedAt ? -1 : a.id < b.id ? 1 : -1));
  }

  /** Resets the day's quota (midnight Pacific). */
  newDay(): void {
    this.quotaUsed = 0;
  }
}
