import { TributaryError, type Page, type ReadContext } from '@tributary/sdk';
import { VIDEO_PREFIX, type VideoState, type YoutubeCheckpoint } from './checkpoint.js';
import { YoutubeClient, type Target, type Video } from './client.js';
import type { YoutubeConfig } from './config.js';
import { entryHash, isVisible, toVideoItem, videoIdOf, type TranscriptResult } from './map.js';
import { QuotaBudget, QuotaStop } from './quota.js';
import { parseSubtitles, parseTimedText, pickTrack } from './transcript.js';

type Ctx = ReadContext<YoutubeConfig, YoutubeCheckpoint>;
type Pass = NonNullable<YoutubeCheckpoint['pass']>;

/** Failures of one video's public captions that should not stop the sync (the video is stored without them). */
const SOFT = new Set(['upstream_error', 'record_invalid', 'not_found', 'permission_denied']);

async function ownerTranscript(client: YoutubeClient, videoId: string, languages: string[]): Promise<TranscriptResult> {
  const tracks = (await client.captions(videoId))
    .filter((c) => c.id && c.snippet?.language && c.snippet.status !== 'failed' && !c.snippet.isDraft)
    .map((c) => ({
      id: c.id!,
      languageCode: c.snippet!.language!,
      kind: c.snippet?.trackKind?.toLowerCase() === 'asr' ? 'asr' : undefined,
    }));
  const track = pickTrack(tracks, languages);
  if (!track) return { status: 'none' };
  const cues = parseSubtitles(await client.download(track.id));
  return cues.length
    ? { status: 'owner', language: track.languageCode, automatic: track.kind === 'asr', cues }
    : { status: 'none' };
}

async function publicTranscript(
  client: YoutubeClient,
  videoId: string,
  languages: string[],
): Promise<TranscriptResult> {
  const player = await client.playerCaptions(videoId);
  if (player.status !== 'ok') return player;
  const track = pickTrack(player.tracks, languages)!;
  const cues = parseTimedText(await client.timedText(track));
  return cues.length
    ? { status: 'public', language: track.languageCode, automatic: track.kind === 'asr', cues }
    : { status: 'none' };
}

/** A video's transcript by the configured route; a soft failure is a `failed` result, a quota stop is thrown. */
async function transcriptOf(client: YoutubeClient, ctx: Ctx, own: boolean, videoId: string): Promise<TranscriptResult> {
  const { transcripts, languages } = ctx.config;
  if (transcripts === 'off') return { status: 'off' };
  const owner = client.oauth && (transcripts === 'owner' || (transcripts === 'auto' && own));
  try {
    if (owner) {
      client.ensureOwnerTranscriptFits();
      try {
        return await ownerTranscript(client, videoId, languages);
      } catch (err) {
        // captions of a video that is not yours: 403 forbidden; the public captions may still be there
        if (!(err instanceof TributaryError) || err.code !== 'permission_denied') throw err;
      }
    }
    return await publicTranscript(client, videoId, languages);
  } catch (err) {
    if (err instanceof TributaryError && SOFT.has(err.code)) return { status: 'failed', reason: err.message };
    throw err;
  }
}

/**
 * Walks the playlist and yields a page per playlist page (50 videos): new and edited videos with their
 * transcripts; then tombstones for the videos the walk no longer saw (removed, made private). Stops cleanly at the
 * day's quota budget: the last page keeps the position and says when the budget resets; the next sync after that
 * continues there. See checkpoint.ts.
 */
export async function* readVideos(ctx: Ctx): AsyncGenerator<Page<YoutubeCheckpoint>> {
  const { config } = ctx;
  const credential = await ctx.credentials.get();
  const cp: YoutubeCheckpoint = ctx.checkpoint ?? { v: 1, gen: 0, quotaUsed: 0 };
  const budget = new QuotaBudget(ctx.clock.now(), config.dailyQuotaUnits, cp);
  const client = new YoutubeClient(ctx, budget, credential?.kind === 'token' ? credential.token : undefined);
  const pass: Pass = cp.pass ? { ...cp.pass } : { gen: cp.gen + 1 };
  let since = cp.since;
  let target: Target | undefined;
  let stopped = false;
  const checkpoint = (done = false): YoutubeCheckpoint => ({
    v: 1,
    gen: done ? pass.gen : cp.gen,
    ...(since ? { since } : {}),
    ...((target?.playlistId ?? cp.playlistId) ? { playlistId: target?.playlistId ?? cp.playlistId } : {}),
    ...(done ? {} : { pass: { ...pass } }),
    quotaDay: budget.day,
    quotaUsed: budget.used,
    ...(stopped ? { stoppedDay: budget.day } : {}),
  });
  let page: Required<Pick<Page<YoutubeCheckpoint>, 'items'>> & {
    set: Record<string, VideoState>;
    errors: NonNullable<Page['errors']>;
  } = {
    items: [],
    set: {},
    errors: [],
  };
  const emit = (): Page<YoutubeCheckpoint> => {
    const out: Page<YoutubeCheckpoint> = {
      items: page.items,
      checkpoint: checkpoint(),
      ...(Object.keys(page.set).length ? { state: { set: page.set } } : {}),
      ...(page.errors.length ? { errors: page.errors } : {}),
    };
    page = { items: [], set: {}, errors: [] };
    return out;
  };
  const recent = (published: string): boolean =>
    ctx.clock.now() - Date.parse(published) < config.transcriptRetryDays * 86_400_000;

  try {
    if (cp.stoppedDay === budget.day || !budget.fits(1)) throw budget.stop();
    target = await client.target(config);
    const own = !config.channelId && !config.playlistId;
    while (!pass.sweep) {
      ctx.signal.throwIfAborted();
      const list = await client.playlistPage(target.playlistId, pass.pageToken);
      const entries = (list.items ?? []).filter(isVisible);
      const stored = await ctx.state.getMany(entries.map((e) => VIDEO_PREFIX + videoIdOf(e)!));
      const wanted = new Map<string, string>(); // videoId → entry hash
      for (const e of entries) {
        const id = videoIdOf(e)!;
        const h = entryHash(e);
        const s = stored.get(VIDEO_PREFIX + id) as VideoState | undefined;
        if (s && s.h === h && (s.t || !recent(s.p))) page.set[VIDEO_PREFIX + id] = { ...s, g: pass.gen };
        else wanted.set(id, h);
      }
      const videos: Video[] = await client.videos([...wanted.keys()]);
      for (const v of videos) {
        const id = v.id!;
        const published = new Date(v.snippet?.publishedAt ?? 0).toISOString();
        if (!since || published > since) since = published;
        // a first sync bounded by backfillDays: remembered without a transcript, never fetched
        if (ctx.since && Date.parse(published) < ctx.since.getTime()) {
          page.set[VIDEO_PREFIX + id] = { h: wanted.get(id)!, g: pass.gen, t: true, p: published };
          continue;
        }
        const t = await transcriptOf(client, ctx, own, id);
        if (t.status === 'failed') page.errors.push({ externalId: id, message: `transcript: ${t.reason}` });
        page.items.push(
          toVideoItem(v, t, {
            webUrl: config.webUrl,
            paragraphSeconds: config.paragraphSeconds,
            container: target.channelTitle,
          }),
        );
        const hasTranscript =
          t.status === 'owner' || t.status === 'public' || t.status === 'disabled' || t.status === 'off';
        page.set[VIDEO_PREFIX + id] = { h: wanted.get(id)!, g: pass.gen, t: hasTranscript, p: published };
      }
      if (list.nextPageToken) pass.pageToken = list.nextPageToken;
      else {
        delete pass.pageToken;
        pass.sweep = true;
      }
      ctx.progress({ phase: 'videos', message: `${budget.used} quota units used today` });
      yield emit();
    }
    // Videos of an older generation were not in the walk: deleted, made private, or taken out of the playlist.
    let deletes: string[] = [];
    for await (const [key, value] of ctx.state.list(VIDEO_PREFIX)) {
      if ((value as VideoState).g === pass.gen) continue;
      deletes.push(key.slice(VIDEO_PREFIX.length));
      if (deletes.length >= 200) {
        yield { deletes, state: { delete: deletes.map((d) => VIDEO_PREFIX + d) }, checkpoint: checkpoint() };
        deletes = [];
      }
    }
    yield {
      ...(deletes.length ? { deletes, state: { delete: deletes.map((d) => VIDEO_PREFIX + d) } } : {}),
      checkpoint: checkpoint(true),
    };
  } catch (err) {
    if (!(err instanceof QuotaStop)) throw err;
    const stop = budget.stop();
    stopped = true;
    ctx.logger.warn(stop.message);
    ctx.progress({ phase: 'quota', message: stop.message });
    // What this playlist page fetched is kept; the page is listed again next time (its videos are then unchanged).
    page.errors.push({ message: stop.message });
    yield emit();
  }
}
