import { afterAll, beforeAll, expect, it } from 'vitest';
import { createOAuthClients } from '@tributary/engine';
import { slackConnector } from '@tributary/connectors/slack/index';
import {
  messageEvent,
  seedSlackWorkspace,
  signedSlackDelivery,
  startSlackTwin,
  urlVerification,
  type SlackTwin,
} from '../../../../test/twins/slack/index.js';
import { startTestServer, type TestServer } from './test-support/server.js';

/**
 * The Slack Events API end to end: a message posted in the workspace (the twin), its signed event delivered to
 * `POST /api/v1/webhooks/slack`, an incremental sync of that channel, and the message in search — within seconds.
 */
const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
let twin: SlackTwin;
let server: TestServer;

beforeAll(async () => {
  const seed = seedSlackWorkspace({ channels: 2, messagesPerChannel: 30, dms: 0 });
  twin = await startSlackTwin(seed.state);
  // A vault is needed for the bot token; the OAuth clients are unused here.
  server = await startTestServer({ connectors: [slackConnector], oauth: createOAuthClients({ env: {} }) });
});
afterAll(async () => {
  await server.close();
  await twin.close();
});

it('a signed message event makes the new message searchable within 5 s; forged and replayed deliveries are refused', async () => {
  const source = await server.engine.sources.add({
    connector: 'slack',
    name: 'workspace',
    config: { baseUrl: twin.apiUrl, signingSecret: SECRET },
    credential: { kind: 'token', token: 'xoxb-twin-bot' },
  });
  const first = await server.engine.sync(source.id);
  expect(first.status).toBe('succeeded');
  expect((await server.engine.search({ text: 'zeppelin' })).hits).toHaveLength(0);

  const deliver = (payload: unknown, secret = SECRET, ts = Math.floor(Date.now() / 1000)) => {
    const d = signedSlackDelivery(secret, payload, ts);
    return fetch(`${server.url}/api/v1/webhooks/slack`, { method: 'POST', headers: d.headers, body: d.rawBody });
  };

  const challenge = await deliver(urlVerification('challenge-xyz'));
  expect(await challenge.json()).toEqual({ challenge: 'challenge-xyz' });

  const channel = twin.state.channels[0]!.id;
  const user = twin.state.channels[0]!.messages.find((m) => m.user)?.user as string;
  const posted = twin.state.post(channel, { user, text: 'the zeppelin lands at noon' });
  const event = messageEvent(twin.state, channel, posted);
  const started = Date.now();
  const res = await deliver(event);
  expect(res.status).toBe(200);
  await expect
    .poll(async () => (await server.engine.search({ text: 'zeppelin' })).hits.length, { timeout: 5_000, interval: 50 })
    .toBe(1);
  expect(Date.now() - started).toBeLessThan(5_000);
  const runs = await server.engine.runs({ sourceId: source.id });
  expect(runs[0]).toMatchObject({ trigger: 'webhook', status: 'succeeded', created: 1 });

  // The same event again (Slack retries) is acknowledged without a second sync.
  expect(await (await deliver(event)).json()).toEqual({ ok: true, duplicate: true });
  // A forged signature, and a delivery older than five minutes (a replay), are refused.
  expect((await deliver({ ...event, event_id: 'Ev-forged' }, 'wrong-secret')).status).toBe(401);
  expect((await deliver({ ...event, event_id: 'Ev-old' }, SECRET, Math.floor(Date.now() / 1000) - 600)).status).toBe(
    401,
  );
  expect(await server.engine.runs({ sourceId: source.id })).toHaveLength(2);
});
