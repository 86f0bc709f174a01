import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { testdata } from '../mail/test-support/testdata.js';
import { parseSubtitles, parseTimedText, pickTrack, playerCaptions, transcriptMarkdown } from './transcript.js';

// Real fixtures from jdepoix/youtube-transcript-api (see testdata/PROVENANCE.md), read in place.
const fixture = (name: string): string => readFileSync(testdata('youtube/youtube-transcript-api', name), 'utf8');

describe('timedtext and innertube fixtures', () => {
  it('parses the timedtext XML: entities decoded twice, markup dropped, empty cues skipped', () => {
    expect(parseTimedText(fixture('transcript.xml.static'))).toEqual([
      { start: 0, dur: 1.54, text: 'Hey, this is just a test' },
      { start: 1.54, dur: 4.16, text: 'this is not the original transcript' },
      { start: 5.7, dur: 3.239, text: 'just something shorter, I made up for testing' },
    ]);
  });

  it('reads the caption tracks of a normal video', () => {
    const r = playerCaptions(JSON.parse(fixture('youtube.innertube.json.static')));
    expect(r.status).toBe('ok');
    if (r.status !== 'ok') return;
    expect(r.tracks.length).toBeGreaterThan(1);
    expect(r.tracks[0]).toMatchObject({ languageCode: 'zh', name: 'Chinese' });
    expect(r.tracks.every((t) => t.baseUrl.startsWith('https://www.youtube.com/api/timedtext?'))).toBe(true);
  });

  it('prefers a human-made track in the preferred language over the automatic one', () => {
    const r = playerCaptions(JSON.parse(fixture('youtube_ww1_nl_en.innertube.json.static')));
    if (r.status !== 'ok') throw new Error(r.status);
    expect(r.tracks.map((t) => `${t.languageCode}:${t.kind ?? ''}`)).toEqual(['en:', 'en:asr']);
    expect(pickTrack(r.tracks, ['en'])).toBe(r.tracks[0]);
    expect(pickTrack([...r.tracks].reverse(), ['en'])).toBe(r.tracks[0]);
    const many = playerCaptions(JSON.parse(fixture('youtube.innertube.json.static')));
    if (many.status !== 'ok') throw new Error(many.status);
    expect(pickTrack(many.tracks, ['fr', 'de'])?.name).toBe('German');
    expect(pickTrack(many.tracks, ['fr'])?.name).toBe('Chinese'); // none preferred: the first human-made track
  });

  it('tells disabled transcripts from unavailable videos', () => {
    expect(playerCaptions(JSON.parse(fixture('youtube_transcripts_disabled.innertube.json.static')))).toEqual({
      status: 'disabled',
    });
    expect(playerCaptions(JSON.parse(fixture('youtube_video_unavailable.innertube.json.static')))).toEqual({
      status: 'unavailable',
      reason: 'This video is unavailable',
    });
  });
});

describe('captions.download formats and the markdown', () => {
  it('parses WebVTT and SubRip alike', () => {
    const vtt =
      'WEBVTT\n\n00:00:01.500 --> 00:00:04.000\nHello <b>there</b>\n\n01:02:03.000 --> 01:02:05.250\nLater &amp; on';
    const srt = '1\n00:00:01,500 --> 00:00:04,000\nHello there\n\n2\n01:02:03,000 --> 01:02:05,250\nLater & on\n';
    const expected = [
      { start: 1.5, dur: 2.5, text: 'Hello there' },
      { start: 3723, dur: 2.25, text: 'Later & on' },
    ];
    expect(parseSubtitles(vtt)).toEqual(expected);
    expect(parseSubtitles(srt)).toEqual(expected);
  });

  it('groups cues into paragraphs that link to their moment', () => {
    const cues = [
      { start: 0, dur: 2, text: 'a' },
      { start: 10, dur: 2, text: 'b' },
      { start: 31, dur: 2, text: 'c' },
      { start: 3725.9, dur: 2, text: 'd' },
    ];
    expect(transcriptMarkdown(cues, 'https://www.youtube.com/watch?v=ID', 30)).toBe(
      '[0:00](https://www.youtube.com/watch?v=ID&t=0s) a b\n\n' +
        '[0:31](https://www.youtube.com/watch?v=ID&t=31s) c\n\n' +
        '[1:02:05](https://www.youtube.com/watch?v=ID&t=3725s) d',
    );
  });
});
