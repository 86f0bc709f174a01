import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, makeItems, startTestServer, type Client, type TestServer } from './test-support/server.js';

// Bad input gets a 4xx with the one envelope naming the field and the reason, and writes nothing.
let server: TestServer;
let call: Client;
let sourceId: string;

beforeAll(async () => {
  server = await startTestServer({ limits: { maxBodyBytes: 64 * 1024, maxIngestItems: 50, rateLimit: false } });
  call = createClient(server.url, server.adminToken);
  sourceId = (await call('POST', '/sources', { body: { source_type: 'push', name: 'target' } })).body.id;
});
afterAll(async () => server.close());

/** What the store holds: every check below asserts this did not move. */
async function snapshot() {
  const store = server.engine.store;
  return {
    sources: (await store.listSources()).map((s) => `${s.name}:${s.status}`),
    memories: await store.countMemories({ includeDeleted: true }),
    checkpoint: await store.getCheckpoint(sourceId),
    runs: (await store.listRuns({})).length,
  };
}

function expectEnvelope(res: { status: number; body: any }, status: number, code: string, field?: string) {
  expect(res.status).toBe(status);
  expect(Object.keys(res.body)).toEqual(['error']);
  expect(res.body.error.code).toBe(code);
  expect(typeof res.body.error.message).toBe('string');
  if (field !== undefined) expect(res.body.error.issues.map((i: { path: string }) => i.path)).toContain(field);
}

describe('bad input', () => {
  it('rejects malformed JSON', async () => {
    const before = await snapshot();
    expectEnvelope(await call('POST', '/sources', { raw: '{"source_type": "push", ' }), 400, 'invalid_input', 'body');
    expectEnvelope(
      await call('POST', '/sources/{id}/ingest', { params: { id: sourceId }, raw: 'not json' }),
      400,
      'invalid_input',
      'body',
    );
    expect(await snapshot()).toEqual(before);
  });

  it('rejects wrong types and unknown fields, naming each field and the reason', async () => {
    const before = await snapshot();
    const res = await call('POST', '/sources', { body: { source_type: 'push', name: 42, colour: 'red' } });
    expectEnvelope(res, 400, 'invalid_input', 'name');
    expect(res.body.error.issues).toEqual(
      expect.arrayContaining([
        { path: 'name', message: expect.stringMatching(/expected string/) },
        { path: 'colour', message: 'unknown field' },
      ]),
    );
    const ingest = await call('POST', '/sources/{id}/ingest', {
      params: { id: sourceId },
      body: {
        items: [
          { external_id: 'x', content: 5 },
          { external_id: '', content: 'ok', extra: true },
        ],
        checkpoint: { n: 1 },
      },
    });
    expectEnvelope(ingest, 400, 'invalid_input');
    expect(ingest.body.error.issues.map((i: { path: string }) => i.path)).toEqual(
      expect.arrayContaining(['items.0.content', 'items.1.external_id', 'items.1.extra']),
    );
    const badTime = await call('POST', '/sources/{id}/ingest', {
      params: { id: sourceId },
      body: { items: [{ external_id: 'x', content: 'hi', metadata: { timestamp: 'yesterday' } }] },
    });
    expectEnvelope(badTime, 400, 'invalid_input', 'items.0.metadata.timestamp');
    expectEnvelope(
      await call('GET', '/search', { query: { q: 'x', limit: 'many' } }),
      400,
      'invalid_input',
      'query.limit',
    );
    expectEnvelope(
      await call('GET', '/search', { query: { q: 'x', colour: 'red' } }),
      400,
      'invalid_input',
      'query.colour',
    );
    expectEnvelope(await call('GET', '/search', {}), 400, 'invalid_input', 'query.q');
    expectEnvelope(
      await call('GET', '/timeline', { query: { since: 'last tuesday' } }),
      400,
      'invalid_input',
      'query.since',
    );
    expectEnvelope(
      await call('POST', '/sources', { body: { source_type: 'push', name: 'bad\nname' } }),
      400,
      'invalid_config',
      'name',
    );
    expectEnvelope(
      await call('POST', '/sources', { body: { source_type: 'push', name: 'cfg', config: { nope: 1 } } }),
      400,
      'invalid_config',
      'config.nope',
    );
    expect(await snapshot()).toEqual(before);
  });

  it('rejects a batch where one item fails the pipeline, storing none of it', async () => {
    const before = await snapshot();
    const items = makeItems('p', 0, 3);
    items[1]!.metadata.url = 'x'.repeat(5000); // over the item url limit
    const res = await call('POST', '/sources/{id}/ingest', {
      params: { id: sourceId },
      body: { items, checkpoint: { n: 3 } },
    });
    expectEnvelope(res, 400, 'invalid_input');
    expect(JSON.stringify(res.body.error.issues)).toContain('items.1');
    expect(await snapshot()).toEqual(before);
  });

  it('rejects oversized bodies and batches (413)', async () => {
    const before = await snapshot();
    const big = { items: [{ external_id: 'big', content: 'x'.repeat(100 * 1024) }] };
    expectEnvelope(
      await call('POST', '/sources/{id}/ingest', { params: { id: sourceId }, body: big }),
      413,
      'payload_too_large',
      'body',
    );
    const many = { items: makeItems('n', 0, 51) };
    expectEnvelope(
      await call('POST', '/sources/{id}/ingest', { params: { id: sourceId }, body: many }),
      413,
      'payload_too_large',
      'items',
    );
    expect(await snapshot()).toEqual(before);
  });

  it('answers unknown ids and routes with 404', async () => {
    const before = await snapshot();
    expectEnvelope(await call('GET', '/sources/{id}', { params: { id: 'nope' } }), 404, 'not_found');
    expectEnvelope(
      await call('POST', '/sources/{id}/ingest', { params: { id: 'nope' }, body: { items: [] } }),
      404,
      'not_found',
    );
    expectEnvelope(await call('GET', '/memories/{id}', { params: { id: 'nope' } }), 404, 'not_found');
    expectEnvelope(
      await call('POST', '/sources', { body: { source_type: 'no-such-connector', name: 'z' } }),
      404,
      'not_found',
    );
    expectEnvelope(await call('POST', '/users/{id}/tokens', { params: { id: 'ghost' }, body: {} }), 404, 'not_found');
    expectEnvelope(await call('GET', '/no/such/route'), 404, 'not_found');
    expect(await snapshot()).toEqual(before);
  });
});

describe('DNS-rebinding protection (server bound to 127.0.0.1)', () => {
  it('refuses a request from a foreign Origin even with a valid token', async () => {
    const res = await call('GET', '/sources', { headers: { origin: 'http://evil.example.com' } });
    expectEnvelope(res, 403, 'forbidden', 'header.origin');
    expect((await call('GET', '/sources', { headers: { origin: `http://localhost:1234` } })).status).toBe(200);
  });
});

describe('rate limit', () => {
  it('answers 429 with Retry-After once a token’s bucket is empty', async () => {
    const limited = await startTestServer({ limits: { rateLimit: { burst: 3, perSecond: 0.1 } } });
    try {
      const c = createClient(limited.url, limited.adminToken);
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await c('GET', '/sources')).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const res = await c('GET', '/sources');
      expectEnvelope(res, 429, 'rate_limited');
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      // Health stays reachable: probes carry no token and are not limited.
      expect((await c('GET', '/health', { token: null })).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
