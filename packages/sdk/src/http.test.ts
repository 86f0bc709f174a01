import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock, type ManualClock } from './clock.js';
import { TributaryError } from './errors.js';
import { createHttpClient, retryAfterMs } from './http.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

let server: Server;
let base: string;
let handler: Handler = (_req, res) => res.end();
let requests: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    // No keep-alive: a pooled socket closed between tests would make the next request a retried network error.
    res.setHeader('connection', 'close');
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(() => {
  requests = [];
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Yields to the event loop until `cond` holds: the code under test is parked on the manual clock. */
async function until(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 30_000; // a guard for a broken test, not a wait
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}

/** A manual clock that records every sleep it is asked for. */
function recordingClock(): ManualClock & { sleeps: number[] } {
  const clock = createManualClock();
  const sleeps: number[] = [];
  return { ...clock, sleep: (ms, signal) => (sleeps.push(ms), clock.sleep(ms, signal)), sleeps };
}

describe('createHttpClient against a real server', () => {
  it('honours 429 Retry-After: waits exactly that long on the clock, then retries', async () => {
    let calls = 0;
    handler = (_req, res) => {
      calls++;
      if (calls === 1) {
        res.writeHead(429, { 'retry-after': '30' }).end('slow down');
      } else res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    };
    const clock = recordingClock();
    const waits: number[] = [];
    const http = createHttpClient({ clock, onRateLimitWait: (ms) => waits.push(ms), random: () => 1 });
    const pending = http.json<{ ok: boolean }>(`${base}/items`);
    let settled = false;
    void pending.then(
      () => (settled = true),
      () => (settled = true),
    );
    await until(() => clock.pending() > 0, 'the retry sleep');
    expect(clock.sleeps).toEqual([30_000]);
    clock.advance(29_999);
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    expect(requests).toHaveLength(1);
    clock.advance(1);
    expect(await pending).toEqual({ ok: true });
    expect(requests).toEqual(['GET /items', 'GET /items']);
    expect(waits).toContain(30_000);
  });

  it('retries 5xx with exponential backoff, then throws upstream_unavailable', async () => {
    handler = (_req, res) => res.writeHead(503).end('down');
    const clock = recordingClock();
    const http = createHttpClient({ clock, retries: 3, baseDelayMs: 100, random: () => 1 });
    const result = http.fetch(`${base}/down`).catch((err: unknown) => err);
    for (let n = 1; n <= 3; n++) {
      await until(() => clock.pending() > 0, `backoff ${n}`);
      clock.advance(clock.sleeps[n - 1]!);
    }
    const err = await result;
    expect(err).toBeInstanceOf(TributaryError);
    expect((err as TributaryError).code).toBe('upstream_unavailable');
    expect((err as TributaryError).message).toMatch(/failed after 4 attempts: HTTP 503/);
    expect(clock.sleeps).toEqual([100, 200, 400]);
    expect(requests).toHaveLength(4);
  });

  it('returns a 404 as a response without retrying', async () => {
    handler = (_req, res) => res.writeHead(404).end('no such thing');
    const http = createHttpClient({ clock: createManualClock() });
    const res = await http.fetch(`${base}/missing`);
    expect(res.status).toBe(404);
    expect(await res.text()).toBe('no such thing');
    expect(requests).toHaveLength(1);
  });

  it('treats a 403 with Retry-After as a rate limit (waited, counted), and a plain 403 as an answer', async () => {
    let calls = 0;
    handler = (req, res) => {
      calls++;
      if (req.url === '/forbidden') return res.writeHead(403).end('no');
      if (calls === 1) return res.writeHead(403, { 'retry-after': '2' }).end('secondary rate limit');
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    };
    const clock = recordingClock();
    const waits: number[] = [];
    const http = createHttpClient({ clock, onRateLimitWait: (ms) => waits.push(ms) });
    const result = http.fetch(`${base}/limited`);
    await until(() => clock.pending() > 0, 'the rate-limit wait');
    clock.advance(2000);
    expect((await result).status).toBe(200);
    expect(waits).toEqual([2000]);
    expect((await http.fetch(`${base}/forbidden`)).status).toBe(403);
    expect(requests).toHaveLength(3);
  });

  it('buffer: a JSON body cut short is retried under the same budget, then returned whole', async () => {
    let calls = 0;
    handler = (_req, res) => {
      calls++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(calls === 1 ? '{"items": [1, 2' : '{"items":[1,2,3]}');
    };
    const clock = recordingClock();
    const http = createHttpClient({ clock, random: () => 1, baseDelayMs: 100 });
    const result = http.fetch(`${base}/list`, { buffer: true });
    await until(() => clock.pending() > 0, 'the backoff');
    clock.advance(100);
    expect(await (await result).json()).toEqual({ items: [1, 2, 3] });
    expect(requests).toHaveLength(2);
  });

  it('json() maps 401 to auth_invalid and 404 to not_found', async () => {
    handler = (req, res) => res.writeHead(req.url === '/private' ? 401 : 404).end('{"message":"nope"}');
    const http = createHttpClient({ clock: createManualClock() });
    await expect(http.json(`${base}/private`)).rejects.toMatchObject({ name: 'TributaryError', code: 'auth_invalid' });
    await expect(http.json(`${base}/gone`)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('stops a request in flight when the signal aborts', async () => {
    handler = () => undefined; // never answers
    const controller = new AbortController();
    const http = createHttpClient({ clock: createManualClock(), signal: controller.signal });
    const result = http.fetch(`${base}/hang`).catch((err: unknown) => err);
    await until(() => requests.length === 1, 'the request to arrive');
    controller.abort();
    const err = (await result) as Error;
    expect(err.name).toBe('AbortError');
    expect(requests).toHaveLength(1);
  });

  it('stops during a backoff when the signal aborts, sending nothing more', async () => {
    handler = (_req, res) => res.writeHead(502).end();
    const controller = new AbortController();
    const clock = createManualClock();
    const http = createHttpClient({ clock, signal: controller.signal, retries: 5 });
    const result = http.fetch(`${base}/flaky`).catch((err: unknown) => err);
    await until(() => clock.pending() > 0, 'the backoff sleep');
    controller.abort();
    expect(((await result) as Error).name).toBe('AbortError');
    clock.advance(60_000);
    expect(requests).toHaveLength(1);
  });
});

describe('retryAfterMs', () => {
  it('reads seconds, an HTTP date and GitHub reset headers', () => {
    const now = Date.UTC(2026, 0, 1);
    expect(retryAfterMs(new Headers({ 'retry-after': '7' }), now)).toBe(7000);
    expect(retryAfterMs(new Headers({ 'retry-after': new Date(now + 5000).toUTCString() }), now)).toBe(5000);
    expect(
      retryAfterMs(new Headers({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 60) }), now),
    ).toBe(60_000);
    expect(retryAfterMs(new Headers(), now)).toBeUndefined();
  });
});
