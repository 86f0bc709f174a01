import { createManualClock } from '@tributary/sdk';
import { collectPages, createConnectorContext, createTestContext } from '@tributary/sdk/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  messageEvent,
  seedSlackWorkspace,
  signedSlackDelivery,
  startSlackTwin,
  urlVerification,
  type SlackTwin,
} from '../../../../test/twins/slack/index.js';
import { slackConnector } from './index.js';
import { handleSlackDelivery } from './webhook.js';

const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const credentials = { kind: 'token' as const, token: 'xoxb-twin-bot' };
let twin: SlackTwin | undefined;

afterEach(async () => {
  await twin?.close();
  twin = undefined;
});

describe('slack webhook', () => {
  const seed = seedSlackWorkspace({ channels: 1, messagesPerChannel: 10, dms: 0 });
  const clock = createManualClock(Date.UTC(2026, 0, 5, 12));
  const now = Math.floor(clock.now() / 1000);
  const ctx = () => createConnectorContext(slackConnector, { config: { signingSecret: SECRET }, credentials, clock });
  const message = seed.state.channel('C00001').messages[1]!;

  it('answers url_verification with the challenge', async () => {
    const out = await slackConnector.webhook!(
      ctx(),
      signedSlackDelivery(SECRET, urlVerification('3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P'), now),
    );
    expect(out).toEqual({
      matched: true,
      response: { status: 200, body: { challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' } },
    });
  });

  it('turns a signed message event into a sync of its channel, with the event id for de-duplication', async () => {
    const payload = messageEvent(seed.state, 'C00001', message);
    const out = await slackConnector.webhook!(ctx(), signedSlackDelivery(SECRET, payload, now));
    expect(out.matched).toBe(true);
    expect(out.response.status).toBe(200);
    expect(out.sync).toEqual({ hints: { channel: 'C00001', eventId: payload.event_id } });
  });

  it('refuses a forged signature, a tampered body and a replay older than 5 minutes', async () => {
    const payload = messageEvent(seed.state, 'C00001', message);
    const forged = signedSlackDelivery('not-the-secret', payload, now);
    const tampered = {
      ...signedSlackDelivery(SECRET, payload, now),
      rawBody: JSON.stringify({ ...payload, event_id: 'EvOTHER' }),
    };
    const replayed = signedSlackDelivery(SECRET, payload, now - 301);
    const future = signedSlackDelivery(SECRET, payload, now + 301);
    for (const req of [forged, tampered, replayed, future]) {
      const out = await slackConnector.webhook!(ctx(), req);
      expect(out.matched).toBe(false);
      expect(out.response.status).toBe(401);
      expect(out.sync).toBeUndefined();
    }
    // Just inside the window is accepted.
    expect((await slackConnector.webhook!(ctx(), signedSlackDelivery(SECRET, payload, now - 299))).matched).toBe(true);
  });

  it('reads the signing secret from the credential when the config has none, and refuses without one', () => {
    const req = signedSlackDelivery(SECRET, urlVerification('c'), now);
    expect(handleSlackDelivery(undefined, req, clock.now()).response.status).toBe(401);
    return slackConnector.webhook!(
      createConnectorContext(slackConnector, {
        config: {},
        credentials: { ...credentials, extra: { signingSecret: SECRET } },
        clock,
      }),
      req,
    ).then((out) => expect(out.response.body).toEqual({ challenge: 'c' }));
  });

  it('a message_deleted event leads to a delete once Slack confirms the message is gone; message_changed re-reads it', async () => {
    const local = seedSlackWorkspace({ channels: 2, messagesPerChannel: 30, dms: 0 });
    twin = await startSlackTwin(local.state);
    const target = local.state.channel('C00002').messages.find((m) => m.text.startsWith('Message 1 '))!;
    const deleted = await slackConnector.webhook!(
      ctx(),
      signedSlackDelivery(SECRET, messageEvent(local.state, 'C00002', target, 'message_deleted'), now),
    );
    expect(deleted.sync?.hints).toMatchObject({ channel: 'C00002', action: 'deleted', ts: target.ts });
    const read = (hints: Record<string, unknown>) =>
      collectPages(
        slackConnector,
        createTestContext(slackConnector, {
          config: { baseUrl: twin!.apiUrl },
          credentials,
          hints,
          checkpoint: { v: 2 },
        }),
      );
    // Still there upstream (a forged or early event): nothing is deleted.
    expect((await read(deleted.sync!.hints!)).flatMap((p) => p.deletes ?? [])).toEqual([]);
    local.state.remove('C00002', target.ts);
    const pages = await read(deleted.sync!.hints!);
    expect(pages.flatMap((p) => p.deletes ?? [])).toEqual([`C00002:${target.ts}`]);
    // The hinted read stays in the hinted channel.
    expect(new Set(pages.flatMap((p) => p.items ?? []).map((i) => i.container))).toEqual(new Set(['#channel-2']));

    const old = local.state.channel('C00001').messages.find((m) => m.text.startsWith('Message 2 '))!;
    local.state.edit('C00001', old.ts, 'Message 2, rewritten');
    const changed = await slackConnector.webhook!(
      ctx(),
      signedSlackDelivery(SECRET, messageEvent(local.state, 'C00001', old, 'message_changed'), now),
    );
    const first = (await read(changed.sync!.hints!))[0]!;
    expect(first.items?.map((i) => [i.externalId, i.content])).toEqual([[`C00001:${old.ts}`, 'Message 2, rewritten']]);
  });
});
