import { YoutubeState, type TwinCue, type TwinVideo } from './state.js';

export const TWIN_CHANNEL = 'UCtwinChannel0000000000a';
export const TWIN_API_KEY = 'AIzaTwinKey-0123456789';
export const TWIN_TOKEN = 'ya29.twin-youtube-owner';

/** Cues of a synthetic transcript: `n` lines, 12 s apart. */
export function cuesFor(id: string, n = 6): TwinCue[] {
  return Array.from({ length: n }, (_, i) => ({ start: i * 12, dur: 11.5, text: `${id} line ${i} & more` }));
}

/** An 11-character video id like YouTube's, from a number. */
export const videoId = (i: number): string => `vid${String(i).padStart(8, '0')}`;

/**
 * A channel with `n` public uploads, one a day from 2024-01-01, each with an English caption track (human-made on
 * even videos, automatic on odd ones).
 */
export function seedYoutube(n: number): { state: YoutubeState; videos: TwinVideo[] } {
  const state = new YoutubeState();
  state.addChannel({ id: TWIN_CHANNEL, title: 'Twin Channel' });
  state.apiKeys.add(TWIN_API_KEY);
  state.tokens.set(TWIN_TOKEN, TWIN_CHANNEL);
  const videos: TwinVideo[] = [];
  for (let i = 0; i < n; i++) {
    const id = videoId(i);
    const v: TwinVideo = {
      id,
      channelId: TWIN_CHANNEL,
      title: `Video ${i}`,
      description: `About video ${i}.\nLinks below.`,
      publishedAt: new Date(Date.UTC(2024, 0, 1) + i * 86_400_000).toISOString().replace('.000Z', 'Z'),
      privacy: 'public',
      tags: ['twin', `t${i % 3}`],
      duration: 'PT1M12S',
      tracks: [{ id: `cap-${id}-en`, language: 'en', kind: i % 2 ? 'asr' : 'standard', cues: cuesFor(id) }],
    };
    state.addVideo(v);
    videos.push(v);
  }
  return { state, videos };
}
