import { createMemoryState } from '@tributary/sdk';
import { collectPages, createConnectorContext, createTestContext } from '@tributary/sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCalendars, startCalendarTwin, type CalendarTwin } from '../../../../test/twins/google/index.js';
import { googleCalendarConnector } from './index.js';

const push = {
  address: 'https://tributary.example/api/v1/webhooks/google-calendar',
  token: 'calendar-push-token-0123',
};
const credentials = { kind: 'oauth2' as const, accessToken: 'ya29.twin-token' };
let twin: CalendarTwin;
let channelId: string;

beforeAll(async () => {
  twin = await startCalendarTwin(seedCalendars({ calendars: 2, events: 3 }).state);
  const ctx = createTestContext(googleCalendarConnector, { config: { rootUrl: twin.rootUrl, push }, credentials });
  await collectPages(googleCalendarConnector, ctx);
  channelId = [...twin.channels.keys()][0]!;
});
afterAll(async () => twin.close());

const deliver = (headers: Record<string, string>, config: Record<string, unknown> = { push }) =>
  googleCalendarConnector.webhook!(createConnectorContext(googleCalendarConnector, { config, credentials }), {
    method: 'POST',
    headers,
    rawBody: '',
    query: {},
  });

describe('google calendar push (events.watch channels)', () => {
  it('opens one channel per calendar with the source token, and renews only near expiry', async () => {
    expect(twin.channels.size).toBe(2);
    expect([...twin.channels.values()].every((c) => c.token === push.token && c.address === push.address)).toBe(true);
    const state = createMemoryState();
    const first = createTestContext(googleCalendarConnector, {
      config: { rootUrl: twin.rootUrl, push },
      credentials,
      state,
    });
    for (const p of await collectPages(googleCalendarConnector, first)) void p;
    const before = twin.channels.size;
    const again = createTestContext(googleCalendarConnector, {
      config: { rootUrl: twin.rootUrl, push },
      credentials,
      checkpoint: { v: 1 },
      state: first.state,
    });
    await collectPages(googleCalendarConnector, again);
    expect(twin.channels.size).toBe(before);
  });

  it('acknowledges the sync message and turns a change into a de-duplicated sync', async () => {
    const sync = await deliver(twin.notification(channelId, 'sync'));
    expect(sync).toMatchObject({ matched: true, response: { status: 200 } });
    expect(sync.sync).toBeUndefined();
    const headers = twin.notification(channelId);
    const change = await deliver(headers);
    expect(change.matched).toBe(true);
    expect(change.sync).toEqual({ hints: { eventId: `${channelId}:${headers['x-goog-message-number']}` } });
  });

  it('refuses a wrong or missing channel token, an expired channel, and a source without push', async () => {
    const good = twin.notification(channelId);
    const cases: Array<[Record<string, string>, Record<string, unknown>?]> = [
      [{ ...good, 'x-goog-channel-token': 'calendar-push-token-XXXX' }],
      [Object.fromEntries(Object.entries(good).filter(([k]) => k !== 'x-goog-channel-token'))],
      [{ ...good, 'x-goog-channel-expiration': new Date(Date.now() - 60_000).toUTCString() }],
      [good, {}],
    ];
    for (const [headers, config] of cases) {
      const out = await deliver(headers, config);
      expect(out.matched).toBe(false);
      expect(out.response.status).toBe(401);
      expect(out.sync).toBeUndefined();
    }
  });
});
