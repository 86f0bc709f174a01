import type { Clock, Item, MemoryConnectorState } from '@tributary/sdk';
import { collectPages, createTestContext } from '@tributary/sdk/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  LINKEDIN_TOKEN,
  seedLinkedin,
  startLinkedinTwin,
  validateLinkedinAnswer,
  type LinkedinTwin,
} from '../../../../test/twins/linkedin/index.js';
import { toRowItem } from '../linkedin-export/map.js';
import type { LinkedinCheckpoint } from './checkpoint.js';
import { linkedinConnector } from './index.js';

let twin: LinkedinTwin | undefined;
afterEach(async () => {
  await twin?.close();
  twin = undefined;
});

const DAY = 86_400_000;
let now = Date.parse('2026-03-02T12:00:00Z');
const clock: Clock = { now: () => now, sleep: () => Promise.resolve() };

interface Run {
  items: Item[];
  deletes: string[];
  checkpoint: LinkedinCheckpoint;
  state: MemoryConnectorState;
}

async function sync(prev?: Run, token = LINKEDIN_TOKEN): Promise<Run> {
  const ctx = createTestContext(linkedinConnector, {
    config: { baseUrl: twin!.url },
    credentials: { kind: 'oauth2', accessToken: token },
    clock,
    ...(prev ? { checkpoint: prev.checkpoint, state: prev.state } : {}),
  });
  const pages = await collectPages(linkedinConnector, ctx);
  return {
    items: pages.flatMap((p) => p.items ?? []),
    deletes: pages.flatMap((p) => p.deletes ?? []),
    checkpoint: pages.at(-1)!.checkpoint,
    state: ctx.state as MemoryConnectorState,
  };
}

const countBy = (items: Item[]): Record<string, number> =>
  items.reduce<Record<string, number>>((a, i) => ((a[i.stream] = (a[i.stream] ?? 0) + 1), a), {});

describe('linkedin (Member Data Portability API)', () => {
  it('snapshot, change log in between, and the weekly snapshot that finds what the change log does not carry', async () => {
    const state = seedLinkedin({ posts: 300, comments: 200, messages: 500, connections: 40 });
    twin = await startLinkedinTwin(state, { now: () => now });
    const first = await sync();
    expect(countBy(first.items)).toEqual({
      profile: 1,
      positions: 3,
      connections: 40,
      posts: 300,
      comments: 200,
      messages: 500,
    });
    expect(first.checkpoint).toMatchObject({ gen: 1, snapshotAt: '2026-03-02T12:00:00.000Z' });
    expect(first.checkpoint.phase).toBeUndefined();

    // a day later: two posts through the change log, one deleted; messages changed too (not in the change log)
    now += DAY;
    state.publish('urn:li:share:7300000000000000001', 'Hello from the change log', now - 60_000);
    state.publish('urn:li:share:7300000000000000002', 'And another', now - 30_000);
    state.unpublish(`urn:li:share:${7100000000000000000n + 5n}`, now - 10_000);
    state.snapshot.get('INBOX')!.splice(0, 7);
    twin.resetCounts();
    const daily = await sync(first);
    expect(daily.items.map((i) => i.externalId)).toEqual([
      'urn:li:share:7300000000000000001',
      'urn:li:share:7300000000000000002',
    ]);
    expect(daily.items[0]).toMatchObject({ stream: 'posts', content: 'Hello from the change log' });
    expect(daily.deletes).toEqual([`urn:li:share:${7100000000000000000n + 5n}`]);
    expect(twin.counts()).toEqual({ memberChangeLogs: 1 }); // no snapshot: it is a day old

    // a week later the snapshot runs again: the posts already stored are not yielded again, the 7 messages go
    now += 7 * DAY;
    const weekly = await sync(daily);
    expect(weekly.items).toEqual([]);
    expect(weekly.deletes).toHaveLength(7);
    expect(weekly.deletes.every((d) => d.startsWith('message:2-conv'))).toBe(true);
    expect(weekly.checkpoint).toMatchObject({ gen: 2 });

    const problems = twin.exchanges.flatMap((x) => validateLinkedinAnswer(x.route, x.body));
    expect(problems).toEqual([]);
  });

  it('gives a record the same id and content as the export archive does', async () => {
    const state = seedLinkedin({ posts: 2, comments: 2, messages: 2 });
    twin = await startLinkedinTwin(state, { now: () => now });
    const run = await sync();
    const message = state.snapshot.get('INBOX')![1]!;
    const fromArchive = toRowItem('messages', message);
    if ('error' in fromArchive) throw new Error(fromArchive.error);
    expect(run.items.find((i) => i.externalId === fromArchive.item.externalId)).toEqual(fromArchive.item);
  });

  it('a missed change-log window (over 27 days) triggers a snapshot; a revoked token is auth_invalid', async () => {
    const state = seedLinkedin({ posts: 3, comments: 0, messages: 0 });
    twin = await startLinkedinTwin(state, { now: () => now });
    const first = await sync();
    now += 27 * DAY + 1;
    twin.resetCounts();
    await sync({ ...first, checkpoint: { ...first.checkpoint, snapshotAt: new Date(now).toISOString() } });
    expect(twin.counts().memberSnapshotData).toBeGreaterThan(0);
    await expect(sync(undefined, 'AQV-revoked')).rejects.toMatchObject({ code: 'auth_invalid' });
  });
});
