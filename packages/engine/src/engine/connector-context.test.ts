import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defineConnector, REQUEST_RETRY_BUDGET, z, type RateLimiter } from '@tributary/sdk';
import { createTestEngine } from './test-support/harness.js';

let server: Server;
let base: string;
let status = 200;
let hits = 0;
beforeAll(async () => {
  server = createServer((_req, res) => {
    hits++;
    res.setHeader('connection', 'close');
    res.writeHead(status, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  status = 200;
  hits = 0;
  while (cleanups.length) await cleanups.pop()!();
});

/** Every operation makes one request through ctx.http. */
const pinger = defineConnector({
  manifest: {
    name: 'pinger',
    version: '1.0.0',
    sdk: '^1.0.0',
    title: 'Pinger',
    description: 'one request per operation',
    auth: { type: 'none' },
    config: z.object({ url: z.string() }),
    checkpoint: z.object({}),
    streams: ['s'],
  },
  async check(ctx) {
    await ctx.http.json(`${ctx.config.url}/check`);
    return { ok: true, message: 'ok' };
  },
  async discover(ctx) {
    await ctx.http.json(`${ctx.config.url}/discover`);
    return [];
  },
  async *read(ctx) {
    await ctx.http.json(`${ctx.config.url}/read`);
    yield { items: [], checkpoint: {} };
  },
});

describe('connector context outside read', () => {
  it('check and discover take tokens from the same per-source limiter as read, and are counted', async () => {
    const taken: string[] = [];
    const limiters = new Set<RateLimiter>();
    const events: string[] = [];
    const { engine } = await (async () => {
      const t = await createTestEngine([pinger], {
        clock: { now: () => Date.now(), sleep: async () => undefined },
        rateLimiterFor: (source) => {
          const limiter: RateLimiter = {
            acquire: async () => (taken.push(source.id), 0),
            pauseFor: () => undefined,
          };
          limiters.add(limiter);
          return limiter;
        },
        onEvent: (e) => void (e.type === 'api_call' && events.push(e.type)),
      });
      cleanups.push(t.cleanup);
      return t;
    })();
    const source = await engine.sources.add({ connector: 'pinger', name: 'p', config: { url: base } });
    expect(await engine.sources.check(source.id)).toMatchObject({ ok: true });
    await engine.sources.discover(source.id);
    await engine.sync(source.id);
    expect(taken).toEqual([source.id, source.id, source.id]);
    expect(events).toHaveLength(3);
  });

  it('check follows the same retry policy as read: a failing endpoint is called maxAttempts times', async () => {
    status = 503;
    const t = await createTestEngine([pinger], { clock: { now: () => Date.now(), sleep: async () => undefined } });
    cleanups.push(t.cleanup);
    const source = await t.engine.sources.add({ connector: 'pinger', name: 'p', config: { url: base } });
    const result = await t.engine.sources.check(source.id);
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/^upstream_unavailable: .*failed after 4 attempts/);
    expect(hits).toBe(REQUEST_RETRY_BUDGET.maxAttempts);
  });
});
