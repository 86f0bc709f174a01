import type { Clock, Item, MemoryConnectorState, WebhookRequest } from '@tributary/sdk';
import { collectPages, createConnectorContext, createTestContext } from '@tributary/sdk/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  FATHOM_KEY,
  FATHOM_WEBHOOK_SECRET,
  meeting,
  seedFathom,
  signFathomDelivery,
  startFathomTwin,
  validateMeetingList,
  type FathomTwin,
} from '../../../../test/twins/fathom/index.js';
import type { FathomCheckpoint } from './checkpoint.js';
import { fathomConnector } from './index.js';

const KEY = { kind: 'token', token: FATHOM_KEY } as const;
let twin: FathomTwin | undefined;
afterEach(async () => {
  await twin?.close();
  twin = undefined;
});

function testClock(iso: string): Clock & { set(iso: string): void } {
  let now = Date.parse(iso);
  return { now: () => now, sleep: () => Promise.resolve(), set: (x) => (now = Date.parse(x)) };
}

interface Run {
  items: Item[];
  deletes: string[];
  checkpoint: FathomCheckpoint;
  state: MemoryConnectorState;
}

async function sync(config: Record<string, unknown>, prev?: Run, clock?: Clock): Promise<Run> {
  const ctx = createTestContext(fathomConnector, {
    config: { baseUrl: twin!.baseUrl, ...config },
    credentials: KEY,
    ...(prev ? { checkpoint: prev.checkpoint, state: prev.state } : {}),
    ...(clock ? { clock } : {}),
  });
  const pages = await collectPages(fathomConnector, ctx);
  return {
    items: pages.flatMap((p) => p.items ?? []),
    deletes: pages.flatMap((p) => p.deletes ?? []),
    checkpoint: pages.at(-1)!.checkpoint,
    state: ctx.state as MemoryConnectorState,
  };
}

describe('fathom at CI scale', () => {
  it('200 meetings in 20 pages, then only new ones by created_after, deletions at the daily reconcile', async () => {
    const state = seedFathom(200);
    twin = await startFathomTwin(state);
    const clock = testClock('2025-04-01T12:00:00Z');
    const first = await sync({}, undefined, clock);
    expect(first.items).toHaveLength(200);
    expect(new Set(first.items.map((i) => i.externalId)).size).toBe(200);
    expect(twin.counts()['meetings.list']).toBe(20); // a first full listing counts as the reconcile
    expect(first.checkpoint).toEqual({
      v: 1,
      gen: 0,
      since: meeting(199).created_at,
      reconciledAt: '2025-04-01T12:00:00.000Z',
    });

    // an hour later: three new meetings, two deleted; the reconcile is not due yet
    for (let i = 200; i < 203; i++) state.add(meeting(i));
    state.remove(100_010);
    state.remove(100_150);
    twin.resetCounts();
    clock.set('2025-04-01T13:00:00Z');
    const hourly = await sync({}, first, clock);
    expect(hourly.items.map((i) => i.externalId)).toEqual(['100202', '100201', '100200']);
    expect(hourly.deletes).toEqual([]);
    expect(twin.counts()['meetings.list']).toBe(1);
    expect(twin.exchanges[0]!.query).toMatchObject({
      created_after: meeting(199).created_at,
      include_transcript: 'true',
    });

    // a day later the reconcile lists all 201 meetings without content and finds the two deletions
    twin.resetCounts();
    clock.set('2025-04-02T13:00:00Z');
    const daily = await sync({}, hourly, clock);
    expect(daily.items).toEqual([]);
    expect(daily.deletes.sort()).toEqual(['100010', '100150']);
    expect(twin.counts()['meetings.list']).toBe(1 + 21);
    expect(twin.exchanges.slice(1).every((x) => x.query.include_transcript === undefined)).toBe(true);
    expect(daily.checkpoint).toMatchObject({ gen: 1, reconciledAt: '2025-04-02T13:00:00.000Z' });
    expect([...daily.state.snapshot().keys()]).toHaveLength(201);

    // every answer has the documented shape
    const problems = twin.exchanges.map((x) => validateMeetingList(x.body)).filter((p) => p.length);
    expect(problems).toEqual([]);
  });

  it('maps summary, action items and the transcript by speaker in one markdown memory', async () => {
    twin = await startFathomTwin(seedFathom(1));
    const [item] = (await sync({})).items;
    expect(item).toMatchObject({
      externalId: '100000',
      title: 'Weekly sync 0',
      url: 'https://fathom.video/share/100000',
      author: 'Alice Johnson',
      occurredAt: '2025-03-01T00:01:00.000Z',
      container: 'Marketing',
      metadata: { recordingId: 100000, attendees: ['alice@acme.com', 'bob@acme.com'], actionItems: 2 },
    });
    expect(item!.content).toBe(
      [
        '# Weekly sync 0',
        'When: 2025-03-01T00:01:00Z\nRecorded by: Alice Johnson\nInvitees: Alice Johnson <alice@acme.com>, Bob Lee <bob@acme.com>',
        '## Summary',
        '## Meeting Purpose\n\nWeekly sync 0.\n\n## Key Takeaways\n\n- Item 0 ships Friday',
        '## Action items',
        '- [ ] Ship item 0 (Bob Lee) [00:01:30]\n- [x] Send the notes (Alice Johnson) [00:02:02]',
        '## Transcript',
        '**[00:00:05] Alice Johnson:** Welcome to sync 0. First, the roadmap.\n\n**[00:01:30] Bob Lee:** Item 0 ships Friday.\n\n**[00:02:02] Alice Johnson:** Great, thanks.',
      ].join('\n\n'),
    );
    const lean = await sync({ transcript: false, summary: false, actionItems: false });
    expect(lean.items[0]!.content).toBe(item!.content.slice(0, item!.content.indexOf('\n\n## Summary')));
  });

  it('waits out a 429 with Retry-After, and refuses a bad key with auth_invalid', async () => {
    twin = await startFathomTwin(seedFathom(30));
    const storm = twin.faults.inject({
      route: 'meetings.list',
      status: 429,
      headers: { 'retry-after': '1' },
      times: 2,
    });
    const run = await sync({}, undefined, testClock('2025-04-01T12:00:00Z'));
    expect(storm.fired).toBe(2);
    expect(run.items).toHaveLength(30);
    const ctx = createTestContext(fathomConnector, {
      config: { baseUrl: twin.baseUrl },
      credentials: { kind: 'token', token: 'bad' },
    });
    await expect(collectPages(fathomConnector, ctx)).rejects.toMatchObject({ code: 'auth_invalid' });
  });
});

describe('fathom webhooks', () => {
  const now = Date.parse('2025-04-01T12:00:00Z');
  const ctx = createConnectorContext(fathomConnector, {
    config: { webhookSecret: FATHOM_WEBHOOK_SECRET },
    credentials: KEY,
    clock: testClock('2025-04-01T12:00:00Z'),
  });
  const body = JSON.stringify({ ...meeting(7), transcript: null });
  const deliver = (headers: Record<string, string>, raw = body): Promise<unknown> => {
    const req: WebhookRequest = { method: 'POST', headers, rawBody: raw, query: {} };
    return fathomConnector.webhook!(ctx, req);
  };

  it('a signed "new meeting content ready" delivery asks for a sync, with its id for de-duplication', async () => {
    const headers = signFathomDelivery(FATHOM_WEBHOOK_SECRET, body, { id: 'msg_1', timestampSec: now / 1000 });
    expect(await deliver(headers)).toEqual({
      response: { status: 200, body: { ok: true } },
      matched: true,
      sync: { hints: { event: 'new_meeting_content_ready', eventId: 'msg_1', recordingId: 100007 } },
    });
    // one of several space-separated signatures is enough (secret rotation)
    const rotated = { ...headers, 'webhook-signature': `v1,AAAA ${headers['webhook-signature']!}` };
    expect(await deliver(rotated)).toMatchObject({ matched: true });
  });

  it('refuses a tampered body, another secret, a replay older than 5 minutes and missing headers', async () => {
    const ok = signFathomDelivery(FATHOM_WEBHOOK_SECRET, body, { id: 'msg_2', timestampSec: now / 1000 });
    const refused = {
      response: { status: 401, body: { error: 'signature missing, invalid or too old' } },
      matched: false,
    };
    expect(await deliver(ok, body.replace('Weekly', 'Weakly'))).toEqual(refused);
    const other = `whsec_${Buffer.from('another secret').toString('base64')}`;
    expect(await deliver(signFathomDelivery(other, body, { timestampSec: now / 1000 }))).toEqual(refused);
    expect(await deliver(signFathomDelivery(FATHOM_WEBHOOK_SECRET, body, { timestampSec: now / 1000 - 301 }))).toEqual(
      refused,
    );
    const { 'webhook-id': _id, ...noId } = ok;
    expect(await deliver(noId)).toEqual(refused);
    const noSecret = createConnectorContext(fathomConnector, { config: {}, credentials: KEY });
    expect(await fathomConnector.webhook!(noSecret, { method: 'POST', headers: ok, rawBody: body, query: {} })).toEqual(
      refused,
    );
  });
});
