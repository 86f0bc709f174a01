import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, makeItems, startTestServer, type Client, type TestServer } from './test-support/server.js';

// Two users, each with a source and data. Every route that names a resource is tried with the other user's ids:
// the answer is always 404 (never 403, which would confirm the thing exists), and nothing changes.
let server: TestServer;
let admin: Client;
let alice: Client;
let bob: Client;
let aliceSource: string;
let aliceMemory: string;
let tokens: { alice: string; aliceRead: string; bob: string; metrics: string };

beforeAll(async () => {
  server = await startTestServer();
  admin = createClient(server.url, server.adminToken);
  const mk = async (user: string, body: Record<string, unknown> = {}) =>
    (await admin('POST', '/users/{id}/tokens', { params: { id: user }, body })).body.token as string;
  await admin('POST', '/users', { body: { id: 'alice', name: 'Alice' } });
  await admin('POST', '/users', { body: { id: 'bob', name: 'Bob' } });
  tokens = {
    alice: await mk('alice'),
    aliceRead: await mk('alice', { read_only: true }),
    bob: await mk('bob'),
    metrics: await mk('bob', { scope: 'metrics' }),
  };
  alice = createClient(server.url, tokens.alice);
  bob = createClient(server.url, tokens.bob);
  aliceSource = (await alice('POST', '/sources', { body: { source_type: 'push', name: 'private' } })).body.id;
  await alice('POST', '/sources/{id}/ingest', {
    params: { id: aliceSource },
    body: { items: makeItems('a', 0, 5, 'secretword'), checkpoint: { n: 5 } },
  });
  aliceMemory = (await alice('GET', '/search', { query: { q: 'secretword' } })).body.hits[0].memory_id;
  await bob('POST', '/sources', { body: { source_type: 'push', name: 'private' } }); // the same name is fine per user
});
afterAll(async () => server.close());

describe('isolation between users', () => {
  it('gives 404 for every route that names another user’s source or memory', async () => {
    const id = { id: aliceSource };
    const attempts: Array<[string, string, Parameters<Client>[2]]> = [
      ['GET', '/sources/{id}', { params: id }],
      ['PATCH', '/sources/{id}', { params: id, body: { name: 'stolen' } }],
      ['DELETE', '/sources/{id}', { params: id }],
      ['POST', '/sources/{id}/pause', { params: id }],
      ['POST', '/sources/{id}/resume', { params: id }],
      ['POST', '/sources/{id}/sync', { params: id }],
      ['POST', '/sources/{id}/ingest', { params: id, body: { items: makeItems('x', 0, 1) } }],
      ['GET', '/sources/{id}/history', { params: id }],
      ['GET', '/sources/{id}/stats', { params: id }],
      ['GET', '/memories/{id}', { params: { id: aliceMemory } }],
      ['GET', '/search', { query: { q: 'secretword', source: aliceSource } }],
      ['GET', '/timeline', { query: { source: aliceSource } }],
    ];
    for (const [method, path, options] of attempts) {
      const res = await bob(method, path, options);
      expect({ method, path, status: res.status, code: res.body?.error?.code }).toEqual({
        method,
        path,
        status: 404,
        code: 'not_found',
      });
    }
    // Unfiltered reads simply do not include the other user's data.
    expect((await bob('GET', '/search', { query: { q: 'secretword' } })).body.hits).toEqual([]);
    expect((await bob('GET', '/timeline')).body.entries).toEqual([]);
    expect((await bob('GET', '/sources')).body.sources.map((s: { owner_id: string }) => s.owner_id)).toEqual(['bob']);
    // Nothing changed for Alice.
    const mine = await alice('GET', '/sources/{id}', { params: id });
    expect(mine.body).toMatchObject({ name: 'private', status: 'active', last_sync_position: { n: 5 } });
    expect((await alice('GET', '/sources/{id}/stats', { params: id })).body.memories).toBe(5);
  });

  it('keeps user and token management to admins (403 for others)', async () => {
    for (const [method, path, options] of [
      ['POST', '/users', { body: { name: 'mallory' } }],
      ['GET', '/users', {}],
      ['POST', '/users/{id}/tokens', { params: { id: 'alice' }, body: {} }],
      ['DELETE', '/tokens/{id}', { params: { id: 'whatever' } }],
      ['GET', '/metrics', {}],
    ] as Array<[string, string, Parameters<Client>[2]]>) {
      const res = await bob(method, path, options);
      expect({ path, status: res.status, code: res.body?.error?.code }).toEqual({
        path,
        status: 403,
        code: 'forbidden',
      });
    }
  });

  it('lets a read-only token read but not write (403, nothing written)', async () => {
    const ro = createClient(server.url, tokens.aliceRead);
    expect((await ro('GET', '/sources/{id}', { params: { id: aliceSource } })).status).toBe(200);
    const writes: Array<[string, string, Parameters<Client>[2]]> = [
      ['POST', '/sources', { body: { source_type: 'push', name: 'ro' } }],
      ['PATCH', '/sources/{id}', { params: { id: aliceSource }, body: { name: 'ro' } }],
      ['POST', '/sources/{id}/ingest', { params: { id: aliceSource }, body: { items: makeItems('ro', 0, 2) } }],
      ['POST', '/sources/{id}/pause', { params: { id: aliceSource } }],
      ['DELETE', '/sources/{id}', { params: { id: aliceSource } }],
    ];
    for (const [method, path, options] of writes) {
      const res = await ro(method, path, options);
      expect({ path, status: res.status, code: res.body?.error?.code }).toEqual({
        path,
        status: 403,
        code: 'forbidden',
      });
    }
    expect((await alice('GET', '/sources')).body.sources).toHaveLength(1);
    expect((await alice('GET', '/sources/{id}/stats', { params: { id: aliceSource } })).body.memories).toBe(5);
  });

  it('lets a metrics token read /metrics and nothing else', async () => {
    const m = createClient(server.url, tokens.metrics);
    expect((await m('GET', '/metrics')).status).toBe(200);
    expect((await m('GET', '/sources')).status).toBe(403);
  });

  it('refuses missing, unknown and revoked tokens with 401', async () => {
    expect((await alice('GET', '/sources', { token: null })).body.error.code).toBe('unauthenticated');
    expect((await alice('GET', '/sources', { token: 'trib_not-a-real-token' })).status).toBe(401);
    expect((await alice('GET', '/sources', { headers: { authorization: 'Basic abc' }, token: null })).status).toBe(401);
    const extra = await admin('POST', '/users/{id}/tokens', { params: { id: 'alice' }, body: { name: 'to-revoke' } });
    expect((await alice('GET', '/sources', { token: extra.body.token })).status).toBe(200);
    await admin('DELETE', '/tokens/{id}', { params: { id: extra.body.id } });
    const refused = await alice('GET', '/sources', { token: extra.body.token });
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('unauthenticated');
  });
});
