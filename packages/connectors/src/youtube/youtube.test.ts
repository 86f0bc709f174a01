import { readFileSync } from 'node:fs';
import type { Clock, Credential, Item, MemoryConnectorState } from '@tributary/sdk';
import { collectPages, createTestContext } from '@tributary/sdk/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { loadDiscovery } from '../../../../test/twins/google/index.js';
import {
  seedYoutube,
  startYoutubeTwin,
  TWIN_API_KEY,
  TWIN_CHANNEL,
  TWIN_TOKEN,
  videoId,
  type YoutubeTwin,
} from '../../../../test/twins/youtube/index.js';
import { testdata } from '../mail/test-support/testdata.js';
import type { YoutubeCheckpoint } from './checkpoint.js';
import { youtubeConnector } from './index.js';

const OWNER: Credential = { kind: 'oauth2', accessToken: TWIN_TOKEN };
const KEY: Credential = { kind: 'token', token: TWIN_API_KEY };

let twin: YoutubeTwin | undefined;
afterEach(async () => {
  await twin?.close();
  twin = undefined;
});

/** A clock the test sets; waits (Retry-After, backoff) pass at once. */
function testClock(start: string): Clock & { set(iso: string): void } {
  let now = Date.parse(start);
  return { now: () => now, sleep: () => Promise.resolve(), set: (iso) => (now = Date.parse(iso)) };
}

interface Run {
  items: Item[];
  deletes: string[];
  errors: string[];
  checkpoint: YoutubeCheckpoint;
  state: MemoryConnectorState;
}

async function sync(
  config: Record<string, unknown>,
  credentials: Credential,
  prev?: Run,
  extra: { clock?: Clock; since?: Date } = {},
): Promise<Run> {
  const ctx = createTestContext(youtubeConnector, {
    config: { rootUrl: twin!.rootUrl, webUrl: twin!.url, ...config },
    credentials,
    ...(prev ? { checkpoint: prev.checkpoint, state: prev.state } : {}),
    ...(extra.clock ? { clock: extra.clock } : {}),
    ...(extra.since ? { since: extra.since } : {}),
  });
  const pages = await collectPages(youtubeConnector, ctx);
  return {
    items: pages.flatMap((p) => p.items ?? []),
    deletes: pages.flatMap((p) => p.deletes ?? []),
    errors: pages.flatMap((p) => (p.errors ?? []).map((e) => e.message)),
    checkpoint: pages.at(-1)!.checkpoint,
    state: ctx.state as MemoryConnectorState,
  };
}

describe('youtube: owner transcripts and the daily quota', () => {
  it('100 videos with captions.download stop at the 10,000-unit budget and finish on later days, none lost or twice', async () => {
    const seed = seedYoutube(100);
    twin = await startYoutubeTwin(seed.state);
    // 10:00 Pacific on 2026-03-02 (UTC-8): the budget resets at 08:00 UTC the next day
    const clock = testClock('2026-03-02T18:00:00Z');
    const day1 = await sync({}, OWNER, undefined, { clock });
    // channels 1 + playlistItems 1 + videos 1, then 250 units (captions.list 50 + download 200) per video
    expect(day1.items).toHaveLength(39);
    expect(day1.checkpoint).toMatchObject({ quotaDay: '2026-03-02', quotaUsed: 3 + 39 * 250 });
    expect(day1.errors).toEqual([
      `YouTube quota budget reached (9753 of 10000 units today); resumes after 2026-03-03T08:00:00.000Z`,
    ]);
    // the same day again: nothing is called
    twin.resetCounts();
    const again = await sync({}, OWNER, day1, { clock });
    expect(again.items).toEqual([]);
    expect(twin.total()).toBe(0);

    clock.set('2026-03-03T09:00:00Z');
    seed.state.newDay();
    const day2 = await sync({}, OWNER, again, { clock });
    clock.set('2026-03-04T09:00:00Z');
    seed.state.newDay();
    const day3 = await sync({}, OWNER, day2, { clock });
    expect(day2.items).toHaveLength(39);
    expect(day3.items).toHaveLength(22);
    expect(day3.errors).toEqual([]);
    expect(day3.checkpoint.pass).toBeUndefined();
    const ids = [...day1.items, ...day2.items, ...day3.items].map((i) => i.externalId);
    expect(new Set(ids).size).toBe(100);
    expect(new Set(ids)).toEqual(new Set(seed.videos.map((v) => v.id)));

    const v0 = [...day1.items, ...day2.items, ...day3.items].find((i) => i.externalId === videoId(0))!;
    expect(v0).toMatchObject({
      title: 'Video 0',
      url: `${twin.url}/watch?v=${videoId(0)}`,
      author: 'Twin Channel',
      occurredAt: '2024-01-01T00:00:00.000Z',
      metadata: { transcript: { source: 'owner', language: 'en', automatic: false, cues: 6 }, duration: 'PT1M12S' },
    });
    const v1 = [...day1.items, ...day2.items, ...day3.items].find((i) => i.externalId === videoId(1))!;
    expect(v1.metadata).toMatchObject({ transcript: { source: 'owner', automatic: true } }); // its only track is ASR
    // cues 12 s apart in 30 s paragraphs: 0, 36 and 60 s, each linked to its moment
    expect(v0.content).toBe(
      [
        '# Video 0',
        'About video 0.\nLinks below.',
        '## Transcript',
        `[0:00](${twin.url}/watch?v=${videoId(0)}&t=0s) ${videoId(0)} line 0 & more ${videoId(0)} line 1 & more ${videoId(0)} line 2 & more`,
        `[0:36](${twin.url}/watch?v=${videoId(0)}&t=36s) ${videoId(0)} line 3 & more ${videoId(0)} line 4 & more ${videoId(0)} line 5 & more`,
      ].join('\n\n'),
    );
    expect(seed.state.quotaUsed).toBeLessThanOrEqual(10_000); // never refused by Google
  });
});

describe('youtube: public captions with an API key', () => {
  it('reads the real timedtext fixture, marks disabled transcripts, and tombstones deleted and private videos', async () => {
    const seed = seedYoutube(5);
    seed.videos[1]!.timedTextXml = readFileSync(
      testdata('youtube/youtube-transcript-api/transcript.xml.static'),
      'utf8',
    );
    seed.videos[2]!.transcriptsDisabled = true;
    twin = await startYoutubeTwin(seed.state);
    const first = await sync({ channelId: TWIN_CHANNEL, paragraphSeconds: 5 }, KEY);
    expect(first.items.map((i) => i.externalId).sort()).toEqual(seed.videos.map((v) => v.id));
    const byId = new Map(first.items.map((i) => [i.externalId, i]));
    const url = `${twin.url}/watch?v=${videoId(1)}`;
    expect(byId.get(videoId(1))!.content).toContain(
      `[0:00](${url}&t=0s) Hey, this is just a test this is not the original transcript\n\n[0:05](${url}&t=5s) just something shorter, I made up for testing`,
    );
    expect(byId.get(videoId(1))!.metadata).toMatchObject({ transcript: { source: 'public', automatic: true } });
    expect(byId.get(videoId(2))!.metadata).toMatchObject({ transcript: { status: 'disabled' } });
    expect(byId.get(videoId(2))!.content).not.toContain('## Transcript');
    expect(first.checkpoint.quotaUsed).toBe(3); // public captions cost no quota

    seed.videos[3]!.deleted = true;
    seed.videos[4]!.privacy = 'private';
    seed.videos[0]!.description = 'Edited description.';
    const next = await sync({ channelId: TWIN_CHANNEL, paragraphSeconds: 5 }, KEY, first);
    expect(next.items.map((i) => i.externalId)).toEqual([videoId(0)]);
    expect(next.items[0]!.content).toContain('Edited description.');
    expect(next.deletes.sort()).toEqual([videoId(3), videoId(4)]);
    const after = await sync({ channelId: TWIN_CHANNEL, paragraphSeconds: 5 }, KEY, next);
    expect(after.items).toEqual([]);
    expect(after.deletes).toEqual([]);
  });

  it('answers that validate against the YouTube Data API Discovery document, through a 429 storm', async () => {
    const seed = seedYoutube(60);
    seed.state.dailyQuota = 1_000_000;
    twin = await startYoutubeTwin(seed.state);
    const storm = twin.faults.inject({
      route: 'youtube.playlistItems.list',
      status: 429,
      headers: { 'retry-after': '2' },
      body: { error: { code: 429, message: 'Too many requests', errors: [{ reason: 'rateLimitExceeded' }] } },
      times: 2,
    });
    const run = await sync({ channelId: TWIN_CHANNEL }, KEY, undefined, { clock: testClock('2026-03-02T18:00:00Z') });
    expect(storm.fired).toBe(2);
    expect(run.items).toHaveLength(60);
    const discovery = loadDiscovery('youtube-v3.json');
    const owner = await sync({ dailyQuotaUnits: 1_000_000 }, OWNER);
    expect(owner.items).toHaveLength(60);
    const json = twin.exchanges.filter(
      (x) => x.status < 300 && x.route.startsWith('youtube.') && x.route !== 'youtube.captions.download',
    );
    expect(new Set(json.map((x) => x.route))).toEqual(
      new Set(['youtube.channels.list', 'youtube.playlistItems.list', 'youtube.videos.list', 'youtube.captions.list']),
    );
    expect(json.map((x) => [x.route, discovery.validate(x.route, x.body)]).filter(([, p]) => p!.length)).toEqual([]);
  });
});

describe('youtube: bad setups', () => {
  it('refuses an API key without a channel, a wrong key and an unknown channel, with their codes', async () => {
    twin = await startYoutubeTwin(seedYoutube(1).state);
    await expect(sync({}, KEY)).rejects.toMatchObject({ code: 'invalid_config' });
    await expect(sync({ channelId: TWIN_CHANNEL }, { kind: 'token', token: 'AIza-nope' })).rejects.toMatchObject({
      code: 'auth_invalid',
    });
    await expect(sync({ channelId: 'UCnobody000000000000000x' }, KEY)).rejects.toMatchObject({ code: 'not_found' });
    const schema = youtubeConnector.manifest.config;
    expect(schema.safeParse({ channelId: TWIN_CHANNEL, playlistId: 'PLabcdefghij' }).success).toBe(false);
    expect(schema.safeParse({ channelId: 'not-a-channel' }).success).toBe(false);
    expect(schema.safeParse({ dailyQuotaUnits: 0 }).success).toBe(false);
  });

  it('a first sync bounded by backfillDays skips older videos and does not fetch them later', async () => {
    const seed = seedYoutube(10);
    twin = await startYoutubeTwin(seed.state);
    const first = await sync({ channelId: TWIN_CHANNEL }, KEY, undefined, { since: new Date('2024-01-08T00:00:00Z') });
    expect(first.items.map((i) => i.externalId).sort()).toEqual([videoId(7), videoId(8), videoId(9)]);
    const next = await sync({ channelId: TWIN_CHANNEL }, KEY, first);
    expect(next.items).toEqual([]);
    expect(next.deletes).toEqual([]);
  });
});
