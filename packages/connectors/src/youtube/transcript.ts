import { decodeHTML } from 'entities';

/** One caption cue: start and duration in seconds, and its text. */
export interface Cue {
  start: number;
  dur: number;
  text: string;
}

const attr = (attrs: string, name: string): string | undefined => new RegExp(`\\b${name}="([^"]*)"`).exec(attrs)?.[1];

/** Text of a cue: entities decoded (the format escapes markup twice: `&lt;i>` → `<i>`), tags dropped, spaces folded. */
const cueText = (raw: string): string =>
  decodeHTML(decodeHTML(raw))
    .replace(/<[^>]*>/g, '')
    .replace(/\s+/g, ' ')
    .trim();

/**
 * Parses YouTube's timedtext XML: the classic format (`<transcript><text start="1.54" dur="4.16">…</text>`, seconds)
 * and srv3 (`<timedtext><body><p t="1540" d="4160">…</p>`, milliseconds, words in `<s>`). Empty cues are dropped.
 */
export function parseTimedText(xml: string): Cue[] {
  const cues: Cue[] = [];
  for (const m of xml.matchAll(/<text\b([^>]*)>([\s\S]*?)<\/text>|<text\b([^>]*)\/>/g)) {
    const attrs = m[1] ?? m[3] ?? '';
    const text = cueText(m[2] ?? '');
    if (text) cues.push({ start: Number(attr(attrs, 'start') ?? 0), dur: Number(attr(attrs, 'dur') ?? 0), text });
  }
  if (cues.length) return cues;
  for (const m of xml.matchAll(/<p\b([^>]*)>([\s\S]*?)<\/p>/g)) {
    const text = cueText(m[2]!);
    if (text)
      cues.push({ start: Number(attr(m[1]!, 't') ?? 0) / 1000, dur: Number(attr(m[1]!, 'd') ?? 0) / 1000, text });
  }
  return cues;
}

const seconds = (h: string | undefined, m: string, s: string, ms: string): number =>
  Number(h ?? 0) * 3600 + Number(m) * 60 + Number(s) + Number(ms.padEnd(3, '0')) / 1000;

/** Parses WebVTT or SubRip (what `captions.download` returns with `tfmt=vtt` / `srt`). */
export function parseSubtitles(text: string): Cue[] {
  const cues: Cue[] = [];
  const time = /(?:(\d+):)?(\d{2}):(\d{2})[.,](\d{1,3})\s*-->\s*(?:(\d+):)?(\d{2}):(\d{2})[.,](\d{1,3})/;
  for (const block of text.replace(/\r\n?/g, '\n').split(/\n{2,}/)) {
    const lines = block.split('\n');
    const at = lines.findIndex((l) => time.test(l));
    if (at < 0) continue;
    const m = time.exec(lines[at]!)!;
    const start = seconds(m[1], m[2]!, m[3]!, m[4]!);
    const end = seconds(m[5], m[6]!, m[7]!, m[8]!);
    const body = cueText(lines.slice(at + 1).join(' '));
    if (body) cues.push({ start, dur: Math.max(0, end - start), text: body });
  }
  return cues;
}

/** A caption track offered by the web player (innertube `captionTracks`). */
export interface PlayerTrack {
  baseUrl: string;
  languageCode: string;
  /** `asr` for automatic captions. */
  kind?: string;
  name?: string;
}

/** What the web player says about a video's captions. */
export type PlayerCaptions =
  { status: 'ok'; tracks: PlayerTrack[] } | { status: 'disabled' } | { status: 'unavailable'; reason: string };

interface PlayerResponse {
  playabilityStatus?: { status?: string; reason?: string };
  captions?: {
    playerCaptionsTracklistRenderer?: {
      captionTracks?: Array<{
        baseUrl?: string;
        languageCode?: string;
        kind?: string;
        name?: { runs?: Array<{ text?: string }>; simpleText?: string };
      }>;
    };
  };
}

/**
 * Reads the caption tracks out of an innertube `/youtubei/v1/player` answer: `playabilityStatus` not OK means the
 * video is unavailable (removed, private, region-blocked); no `captions` means the owner turned transcripts off.
 */
export function playerCaptions(json: unknown): PlayerCaptions {
  const r = (json ?? {}) as PlayerResponse;
  const status = r.playabilityStatus?.status;
  if (status && status !== 'OK') return { status: 'unavailable', reason: r.playabilityStatus?.reason ?? status };
  const tracks = (r.captions?.playerCaptionsTracklistRenderer?.captionTracks ?? [])
    .filter((t) => t.baseUrl && t.languageCode)
    .map((t) => ({
      baseUrl: t.baseUrl!,
      languageCode: t.languageCode!,
      ...(t.kind ? { kind: t.kind } : {}),
      ...(t.name ? { name: t.name.simpleText ?? t.name.runs?.map((x) => x.text ?? '').join('') ?? '' } : {}),
    }));
  return tracks.length ? { status: 'ok', tracks } : { status: 'disabled' };
}

/**
 * The track to read: the first preferred language with a human-made track, else with an automatic one; with no
 * preferred language present, the first human-made track, else the first.
 */
export function pickTrack<T extends { languageCode: string; kind?: string }>(
  tracks: T[],
  languages: readonly string[],
): T | undefined {
  const lang = (t: T, l: string): boolean => t.languageCode === l || t.languageCode.startsWith(`${l}-`);
  for (const l of languages) {
    const human = tracks.find((t) => lang(t, l) && t.kind !== 'asr');
    if (human) return human;
    const auto = tracks.find((t) => lang(t, l));
    if (auto) return auto;
  }
  return tracks.find((t) => t.kind !== 'asr') ?? tracks[0];
}

/** `1:02:03` / `2:03` for a position in seconds. */
export function clock(sec: number): string {
  const s = Math.floor(sec);
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60));
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${mm.padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

/**
 * The transcript as markdown paragraphs of about `paragraphSeconds` each, every paragraph led by a link to its
 * moment in the video (`[1:23](https://www.youtube.com/watch?v=ID&t=83s)`), so a chunk found by search opens there.
 */
export function transcriptMarkdown(cues: Cue[], videoUrl: string, paragraphSeconds: number): string {
  const out: string[] = [];
  let start = -1;
  let words: string[] = [];
  const flush = (): void => {
    if (words.length) out.push(`[${clock(start)}](${videoUrl}&t=${Math.floor(start)}s) ${words.join(' ')}`);
    words = [];
  };
  for (const c of cues) {
    if (start < 0 || c.start - start >= paragraphSeconds) {
      flush();
      start = c.start;
    }
    words.push(c.text);
  }
  flush();
  return out.join('\n\n');
}
