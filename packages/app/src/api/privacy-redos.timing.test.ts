import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, startTestServer, type Client, type TestServer } from './test-support/server.js';

/*
 * A user's regex runs on the server (privacy dry run, purge --match). `(a+)+$` against "aaa…a!" is exponential on
 * V8's backtracking engine: 28 a's take seconds per memory, so 20,000 such memories would hold the event loop for
 * hours. The patterns run on a linear-time engine and the scan gives way to the loop between slices: /health keeps
 * answering while the scan runs, and the counts are exact.
 */
const N = 20_000;
const MATCHING = 200; // every 100th memory ends in a's, which `(a+)+$` matches

describe('a hostile regex over a large store (timing)', () => {
  let server: TestServer;
  let call: Client;
  beforeAll(async () => {
    server = await startTestServer();
    call = createClient(server.url, server.adminToken);
    const id = (await call('POST', '/sources', { body: { source_type: 'push', name: 'big' } })).body.id as string;
    for (let start = 0; start < N; start += 1000) {
      const items = Array.from({ length: 1000 }, (_, k) => {
        const i = start + k;
        return {
          external_id: `m${i}`,
          content: `note ${i} ${'a'.repeat(28)}${i % 100 === 0 ? '' : '!'}`,
          content_type: 'text',
          metadata: { source_type: 'push', timestamp: '2026-01-01T00:00:00.000Z' },
        };
      });
      const res = await call('POST', '/sources/{id}/ingest', { params: { id }, body: { items } });
      expect(res.status).toBe(200);
    }
  }, 120_000);
  afterAll(async () => server.close());

  /** Polls /health every 20 ms while `work` runs; returns the work's result and the slowest health answer. */
  async function whileHealthPolled<T>(work: Promise<T>): Promise<{ result: T; maxMs: number; polls: number }> {
    let done = false;
    let maxMs = 0;
    let polls = 0;
    const poller = (async () => {
      while (!done) {
        const t = performance.now();
        const res = await call('GET', '/health', { token: null });
        expect(res.status).toBe(200);
        maxMs = Math.max(maxMs, performance.now() - t);
        polls++;
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const result = await work.finally(() => (done = true));
    await poller;
    return { result, maxMs, polls };
  }

  it('dry run and purge --match with (a+)+$ finish exact while /health keeps answering', async () => {
    const rules = { redact: [], exclude: [{ field: 'text', pattern: '(a+)+$' }] };
    const dry = await whileHealthPolled(call('POST', '/privacy/dry-run', { body: { rules } }));
    expect(dry.result.status).toBe(200);
    expect(dry.result.body).toMatchObject({ scanned: N, dropped: MATCHING, redacted: 0 });
    const purge = await whileHealthPolled(call('POST', '/privacy/purge', { body: { match: '(a+)+$', dry_run: true } }));
    expect(purge.result.body).toMatchObject({ scanned: N, matched: MATCHING, purged: 0 });
    console.log(
      `privacy ReDoS: dry run health max ${dry.maxMs.toFixed(1)} ms over ${dry.polls} polls; purge dry run ${purge.maxMs.toFixed(1)} ms over ${purge.polls}`,
    );
    // Polled during the scan, not only after it (a scan that held the loop would allow one poll, after it ends).
    expect(dry.polls).toBeGreaterThan(3);
    expect(purge.polls).toBeGreaterThan(3);
    // 20–50 ms on an idle machine; the bound leaves room for a loaded one. On V8's regex engine the scan, and so the
    // first answer, would take hours.
    expect(Math.max(dry.maxMs, purge.maxMs)).toBeLessThan(500);
  }, 120_000);

  it('syntax that needs backtracking is a 400 naming the rule, and nothing is saved', async () => {
    const res = await call('PUT', '/privacy/rules', {
      body: { redact: [{ pattern: '(\\w+)\\s\\1' }], exclude: [] },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_input');
    expect(res.body.error.message).toContain('redact.0.pattern');
    expect((await call('GET', '/privacy/rules')).body).toEqual({ redact: [], exclude: [] });
    const purge = await call('POST', '/privacy/purge', { body: { match: 'a(?=b)' } });
    expect(purge.status).toBe(400);
  });
});
