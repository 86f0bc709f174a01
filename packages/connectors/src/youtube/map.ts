import { createHash } from 'node:crypto';
import type { Item } from '@tributary/sdk';
import type { PlaylistItem, Video } from './client.js';
import { transcriptMarkdown, type Cue } from './transcript.js';

/** What became of a video's transcript. */
export type TranscriptResult =
  | { status: 'owner' | 'public'; language: string; automatic: boolean; cues: Cue[] }
  | { status: 'disabled' | 'none' | 'off' }
  | { status: 'unavailable' | 'failed'; reason: string };

/** The video a playlist entry points at. */
export const videoIdOf = (e: PlaylistItem): string | undefined =>
  e.contentDetails?.videoId ?? e.snippet?.resourceId?.videoId ?? undefined;

/**
 * Whether a playlist entry is a video anyone may watch: deleted and private videos stay in playlists as entries
 * titled "Deleted video" / "Private video", without `videoPublishedAt`
 * (https://developers.google.com/youtube/v3/docs/playlistItems#contentDetails.videoPublishedAt).
 */
export function isVisible(e: PlaylistItem): boolean {
  const privacy = e.status?.privacyStatus;
  return Boolean(
    videoIdOf(e) &&
    e.contentDetails?.videoPublishedAt &&
    privacy !== 'private' &&
    privacy !== 'privacyStatusUnspecified',
  );
}

/** Hash of what the playlist entry shows of a video: a change means an edit worth fetching again. */
export function entryHash(e: PlaylistItem): string {
  return createHash('sha256')
    .update(JSON.stringify([e.snippet?.title, e.snippet?.description, e.status?.privacyStatus]))
    .digest('hex')
    .slice(0, 16);
}

export const watchUrl = (webUrl: string, id: string): string => `${webUrl}/watch?v=${encodeURIComponent(id)}`;

/**
 * A video as a memory: markdown with the title, the description and the transcript, whose paragraphs each start
 * with a link to their moment (`&t=…s`).
 */
export function toVideoItem(
  v: Video,
  t: TranscriptResult,
  opts: { webUrl: string; paragraphSeconds: number; container?: string | undefined },
): Item {
  const id = v.id!;
  const url = watchUrl(opts.webUrl, id);
  const title = v.snippet?.title ?? id;
  const description = v.snippet?.description?.trim() ?? '';
  const parts = [`# ${title}`];
  if (description) parts.push(description);
  if (t.status === 'owner' || t.status === 'public')
    parts.push('## Transcript', transcriptMarkdown(t.cues, url, opts.paragraphSeconds));
  const transcript =
    t.status === 'owner' || t.status === 'public'
      ? { source: t.status, language: t.language, automatic: t.automatic, cues: t.cues.length }
      : { status: t.status, ...('reason' in t ? { reason: t.reason } : {}) };
  return {
    externalId: id,
    stream: 'videos',
    content: parts.join('\n\n'),
    contentType: 'markdown',
    title,
    url,
    ...(v.snippet?.channelTitle ? { author: v.snippet.channelTitle } : {}),
    ...(v.snippet?.publishedAt ? { occurredAt: new Date(v.snippet.publishedAt).toISOString() } : {}),
    container: opts.container ?? v.snippet?.channelTitle ?? 'YouTube',
    ...(v.snippet?.tags?.length ? { tags: v.snippet.tags.slice(0, 50).map((x) => x.slice(0, 200)) } : {}),
    metadata: {
      channelId: v.snippet?.channelId,
      ...(v.contentDetails?.duration ? { duration: v.contentDetails.duration } : {}),
      privacy: v.status?.privacyStatus,
      transcript,
    },
  };
}
