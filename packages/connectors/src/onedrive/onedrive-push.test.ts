import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMemoryState, type Clock, type WebhookOutcome } from '@tributary/sdk';
import { collectPages, createTestContext } from '@tributary/sdk/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { graphProblems, seedGraphDrive, startGraphTwin, type GraphTwin } from '../../../../test/twins/msgraph/index.js';
import type { OneDriveCheckpoint } from './checkpoint.js';
import { onedriveConnector } from './index.js';
import { onedriveOnRemove, onedrivePushRenewAt } from './lifecycle.js';

const TOKEN = { kind: 'oauth2', accessToken: 'eyJ0eXAi.twin-token' } as const;
const ADDRESS = 'https://tributary.example/api/v1/webhooks/onedrive';
const CLIENT_STATE = 'cs-9f2c4e1a7b3d5e6f';
const HOUR = 3_600_000;
let twin: GraphTwin | undefined;
let server: Server | undefined;
afterEach(async () => {
  await twin?.close();
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  twin = undefined;
  server = undefined;
});

/** A stand-in for the app's webhook route: hands each delivery to the connector and records what it decided. */
async function receiver(config: Record<string, unknown>, opts: { jsonEcho?: boolean } = {}) {
  const outcomes: WebhookOutcome[] = [];
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d) => (raw += d));
    req.on('end', () => void answer());
    const answer = async (): Promise<void> => {
      const url = new URL(req.url ?? '/', 'http://x');
      const ctx = createTestContext(onedriveConnector, { config, credentials: TOKEN });
      const out = await onedriveConnector.webhook!(ctx, {
        method: 'POST',
        headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])),
        rawBody: raw,
        query: Object.fromEntries(url.searchParams),
      });
      outcomes.push(out);
      const text = typeof out.response.body === 'string' && !opts.jsonEcho;
      res.writeHead(out.response.status, { 'content-type': text ? 'text/plain; charset=utf-8' : 'application/json' });
      res.end(text ? out.response.body : JSON.stringify(out.response.body ?? {}));
    };
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/webhooks/onedrive`, outcomes };
}

function testClock(start = Date.now()): Clock & { set(t: number): void } {
  let t = start;
  return { now: () => t, sleep: async (ms) => void (t += ms), set: (v) => void (t = v) };
}

describe('onedrive change notifications', () => {
  it('subscribes with the validation handshake, verifies clientState, renews before expiry and handles lifecycle events', async () => {
    const seed = seedGraphDrive({ folders: 1, files: 3 });
    const clock = testClock();
    const config = { push: { address: ADDRESS, clientState: CLIENT_STATE } };
    const rx = await receiver(config);
    twin = await startGraphTwin(seed.state, { resolveUrl: () => rx.url, now: clock.now });
    const full = { ...config, baseUrl: twin.baseUrl };
    const state = createMemoryState();
    const run = async (checkpoint: unknown, hints: Record<string, unknown> = {}) => {
      const ctx = createTestContext(onedriveConnector, {
        config: full,
        credentials: TOKEN,
        checkpoint,
        state,
        clock,
        hints,
      });
      const pages = await collectPages(onedriveConnector, ctx);
      return {
        cp: (pages.at(-1)?.checkpoint ?? checkpoint) as OneDriveCheckpoint,
        items: pages.flatMap((p) => p.items),
        ctx,
      };
    };

    const first = await run(undefined);
    expect(first.items).toHaveLength(3);
    // Graph's handshake reached the endpoint, which echoed the token as text/plain.
    expect(twin.handshakes).toHaveLength(1);
    expect(twin.handshakes[0]).toMatchObject({ ok: true, status: 200 });
    expect(twin.handshakes[0]!.contentType).toMatch(/^text\/plain/);
    const sub = seed.state.subscriptions.get(first.cp.subId!)!;
    expect(sub).toMatchObject({ resource: 'me/drive/root', changeType: 'updated', clientState: CLIENT_STATE });
    expect(first.cp.subExp).toBe(Date.parse(sub.expirationDateTime));
    expect(first.cp.subExp! - clock.now()).toBeGreaterThan(28 * 24 * HOUR);

    // A notification with this source's clientState asks for a sync; a forged one is refused and asks nothing.
    rx.outcomes.length = 0;
    expect((await twin.notify(sub.id)).status).toBe(202);
    expect((await twin.notify(sub.id, { clientState: 'cs-forged-000000000' })).status).toBe(401);
    expect(rx.outcomes.map((o) => [o.matched, o.sync !== undefined])).toEqual([
      [true, true],
      [false, false],
    ]);

    // A sync well before expiry leaves the subscription alone; inside renewBeforeHours it is renewed (PATCH).
    twin.resetCounts();
    const quiet = await run(first.cp);
    expect(quiet.cp.subExp).toBe(first.cp.subExp);
    expect(twin.counts()['subscriptions.update'] ?? 0).toBe(0);
    const renewAt = await onedrivePushRenewAt({
      config: quiet.ctx.config,
      checkpoint: quiet.cp,
      state,
      now: clock.now(),
    });
    expect(renewAt).toBe(quiet.cp.subExp! - 12 * HOUR);
    clock.set(renewAt! + HOUR);
    const renewed = await run(quiet.cp);
    expect(twin.counts()['subscriptions.update']).toBe(1);
    expect(renewed.cp.subId).toBe(sub.id);
    expect(renewed.cp.subExp! - clock.now()).toBeGreaterThan(28 * 24 * HOUR);

    // reauthorizationRequired → renewed now; subscriptionRemoved → a new subscription (new handshake).
    rx.outcomes.length = 0;
    await twin.lifecycle(sub.id, 'reauthorizationRequired');
    expect(rx.outcomes[0]!.sync?.hints).toEqual({ lifecycle: ['reauthorizationRequired'] });
    await run(renewed.cp, rx.outcomes[0]!.sync!.hints);
    expect(twin.counts()['subscriptions.update']).toBe(2);
    await twin.lifecycle(sub.id, 'subscriptionRemoved');
    expect(rx.outcomes[1]!.sync?.hints).toEqual({ lifecycle: ['subscriptionRemoved'] });
    const recreated = await run(renewed.cp, rx.outcomes[1]!.sync!.hints);
    expect(recreated.cp.subId).not.toBe(sub.id);
    expect(seed.state.subscriptions.has(recreated.cp.subId!)).toBe(true);
    expect(twin.handshakes).toHaveLength(2);

    // Source removed: its subscription is deleted upstream.
    await onedriveOnRemove({
      ...createTestContext(onedriveConnector, { config: full, credentials: TOKEN }),
      checkpoint: recreated.cp,
      state,
    });
    expect(seed.state.subscriptions.size).toBe(0);
    expect(twin.exchanges.flatMap((e) => graphProblems(e))).toEqual([]);
  });

  it('an endpoint that does not echo the token as text fails the handshake: no subscription, the sync still reads', async () => {
    const seed = seedGraphDrive({ folders: 1, files: 2 });
    const config = { push: { address: ADDRESS, clientState: CLIENT_STATE } };
    const rx = await receiver(config, { jsonEcho: true });
    twin = await startGraphTwin(seed.state, { resolveUrl: () => rx.url });
    const ctx = createTestContext(onedriveConnector, {
      config: { ...config, baseUrl: twin.baseUrl },
      credentials: TOKEN,
    });
    const pages = await collectPages(onedriveConnector, ctx);
    expect(pages.flatMap((p) => p.items)).toHaveLength(2);
    expect(twin.handshakes[0]!.ok).toBe(false);
    expect((pages.at(-1)!.checkpoint as OneDriveCheckpoint).subId).toBeUndefined();
    expect(ctx.logs.some((l) => l.level === 'warn' && /subscription/.test(l.message))).toBe(true);
    expect(seed.state.subscriptions.size).toBe(0);
  });

  it('refuses deliveries without push config, without JSON, without a value array, or with a hostile validation token', async () => {
    const ctx = createTestContext(onedriveConnector, {
      config: { push: { address: ADDRESS, clientState: CLIENT_STATE } },
      credentials: TOKEN,
    });
    const deliver = (rawBody: string, query: Record<string, string> = {}) =>
      onedriveConnector.webhook!(ctx, { method: 'POST', headers: {}, rawBody, query });
    expect((await deliver('not json')).matched).toBe(false);
    expect((await deliver('{"value":[]}')).matched).toBe(false);
    expect((await deliver('{"value":[{"clientState":null}]}')).matched).toBe(false);
    expect((await deliver('', { validationToken: '<script>\u0000' })).matched).toBe(false);
    const missed = await deliver(JSON.stringify({ value: [{ lifecycleEvent: 'missed', clientState: CLIENT_STATE }] }));
    expect(missed).toMatchObject({ matched: true, sync: { hints: { lifecycle: ['missed'] } } });
    const change = await deliver(JSON.stringify({ value: [{ changeType: 'updated', clientState: CLIENT_STATE }] }));
    expect(change).toMatchObject({ matched: true, response: { status: 202 }, sync: { hints: {} } });
    const mixed = [{ clientState: CLIENT_STATE }, { clientState: 'cs-forged-000000000' }];
    expect((await deliver(JSON.stringify({ value: mixed }))).matched).toBe(false);
    const ok = await deliver('', { validationToken: 'Validation: Testing client application reachability' });
    expect(ok).toMatchObject({
      matched: true,
      response: { status: 200, body: 'Validation: Testing client application reachability' },
    });
    expect(ok.sync).toBeUndefined();
    const noPush = createTestContext(onedriveConnector, { config: {}, credentials: TOKEN });
    expect(
      (await onedriveConnector.webhook!(noPush, { method: 'POST', headers: {}, rawBody: '{}', query: {} })).matched,
    ).toBe(false);
  });
});
