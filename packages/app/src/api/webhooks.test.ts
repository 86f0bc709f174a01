import { createHmac, timingSafeEqual } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { defineConnector, z } from '@tributary/sdk';
import { synthetic } from '@tributary/connectors/synthetic/index';
import { startTestServer, type TestServer } from './test-support/server.js';

/**
 * A connector that receives signed webhooks the way Slack and GitHub do: an HMAC-SHA256 of the raw body with the
 * source's signing secret. Each delivery names an event id and asks for a sync of one channel.
 */
const hooked = defineConnector({
  manifest: {
    name: 'hooked',
    version: '1.0.0',
    sdk: '^1.0.0',
    title: 'Hooked',
    description: 'webhook test connector',
    auth: { type: 'none' },
    config: z.object({
      signingSecret: z.string().min(8).meta({ secret: true }),
      items: z.array(z.string()).default([]),
    }),
    checkpoint: z.object({ n: z.number() }),
    streams: ['messages'],
    capabilities: { incremental: true, deletions: false, webhooks: true, fullRefresh: true },
  },
  check: async () => ({ ok: true, message: 'ok' }),
  async *read(ctx) {
    const items = ctx.config.items.map((text, i) => ({ externalId: `m${i}`, stream: 'messages', content: text }));
    yield { items, checkpoint: { n: items.length } };
  },
  async webhook(ctx, request) {
    const expected = createHmac('sha256', ctx.config.signingSecret).update(request.rawBody).digest('hex');
    const given = Buffer.from(request.headers['x-signature'] ?? '');
    const ok = given.length === expected.length && timingSafeEqual(given, Buffer.from(expected));
    if (!ok) return { matched: false, response: { status: 401 } };
    const body = JSON.parse(request.rawBody) as { type: string; challenge?: string; id: string; channel: string };
    if (body.type === 'url_verification')
      return { matched: true, response: { status: 200, body: { challenge: body.challenge } } };
    return {
      matched: true,
      response: { status: 200, body: { ok: true } },
      sync: { hints: { eventId: body.id, channel: body.channel } },
    };
  },
});

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ connectors: [hooked, synthetic] });
});
afterAll(async () => server.close());

const sign = (secret: string, body: string): string => createHmac('sha256', secret).update(body).digest('hex');
const post = (body: string, signature: string) =>
  fetch(`${server.url}/api/v1/webhooks/hooked`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-signature': signature },
    body,
  });

it('routes a signed delivery to the source whose secret verifies it, syncs it, and refuses forgeries and replays', async () => {
  const a = await server.engine.sources.add({
    connector: 'hooked',
    name: 'a',
    config: { signingSecret: 'secret-of-a', items: ['alpha webhook text'] },
  });
  const b = await server.engine.sources.add({
    connector: 'hooked',
    name: 'b',
    config: { signingSecret: 'secret-of-b', items: ['bravo webhook text'] },
  });

  // url_verification is answered by the verifying source, without a token.
  const challenge = JSON.stringify({ type: 'url_verification', challenge: 'c-123', id: 'v1', channel: 'x' });
  const ch = await post(challenge, sign('secret-of-a', challenge));
  expect(ch.status).toBe(200);
  expect(await ch.json()).toEqual({ challenge: 'c-123' });

  // A delivery signed with b's secret syncs b only.
  const event = JSON.stringify({ type: 'event', id: 'ev-1', channel: 'C1' });
  const res = await post(event, sign('secret-of-b', event));
  expect(res.status).toBe(200);
  await expect
    .poll(async () => (await server.engine.search({ text: 'bravo' })).hits.length, { timeout: 15_000 })
    .toBe(1);
  expect((await server.engine.runs({ sourceId: b.id }))[0]).toMatchObject({ trigger: 'webhook', status: 'succeeded' });
  expect(await server.engine.runs({ sourceId: a.id })).toHaveLength(0);

  // The same event id again (a replay, or the provider retrying) is acknowledged without another sync.
  const replay = await post(event, sign('secret-of-b', event));
  expect(await replay.json()).toEqual({ ok: true, duplicate: true });

  // Forged: wrong secret, tampered body, no signature.
  for (const [body, sig] of [
    [event, sign('not-a-secret', event)],
    [event.replace('C1', 'C2'), sign('secret-of-b', event)],
    [event, ''],
  ] as const) {
    const forged = await post(body, sig);
    expect(forged.status).toBe(401);
    expect(((await forged.json()) as { error: { code: string } }).error.code).toBe('unauthenticated');
  }
  await new Promise((r) => setTimeout(r, 200));
  expect(await server.engine.runs({ sourceId: b.id })).toHaveLength(1);
  expect(await server.engine.runs({ sourceId: a.id })).toHaveLength(0);

  // A connector without webhooks, or an unknown one, is a 404.
  expect((await fetch(`${server.url}/api/v1/webhooks/synthetic`, { method: 'POST', body: '{}' })).status).toBe(404);
  expect((await fetch(`${server.url}/api/v1/webhooks/nope`, { method: 'POST', body: '{}' })).status).toBe(404);
});
