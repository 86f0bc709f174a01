import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, startTestServer, type Client, type TestServer } from './test-support/server.js';

// The requests that used to answer 500 (issue 12): each is now a 4xx in the one envelope and changes nothing.
let server: TestServer;
let call: Client;
let user: Client;
let sourceId: string;

beforeAll(async () => {
  server = await startTestServer();
  call = createClient(server.url, server.adminToken);
  sourceId = (await call('POST', '/sources', { body: { source_type: 'push', name: 'target' } })).body.id;
  await call('POST', '/users', { body: { id: 'u', name: 'U' } });
  user = createClient(
    server.url,
    (await call('POST', '/users/{id}/tokens', { params: { id: 'u' }, body: {} })).body.token,
  );
});
afterAll(async () => server.close());

async function snapshot() {
  const store = server.engine.store;
  return {
    sources: (await store.listSources()).map((s) => `${s.name}:${s.status}:${JSON.stringify(s.schedule)}`),
    memories: await store.countMemories({ includeDeleted: true }),
    users: (await store.listUsers()).length,
    tokens: (await store.listTokens()).length,
  };
}

function expectEnvelope(res: { status: number; body: any }, status: number, code: string, field?: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(Object.keys(res.body)).toEqual(['error']);
  expect(res.body.error.code).toBe(code);
  if (field !== undefined) expect(res.body.error.issues.map((i: { path: string }) => i.path)).toContain(field);
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

describe('requests that gave 500', () => {
  it('415 unsupported_media_type for a non-JSON body on every JSON route', async () => {
    const before = await snapshot();
    const cases: Array<[string, string, Record<string, string>, string]> = [
      ['POST', '/sources', FORM, 'source_type=push&name=x'],
      ['POST', '/sources', { 'content-type': 'text/plain' }, '{"source_type":"push","name":"x"}'],
      ['PATCH', '/sources/{id}', FORM, 'name=y'],
      ['POST', '/sources/{id}/ingest', { 'content-type': 'text/plain' }, '{"items":[]}'],
      ['POST', '/users', FORM, 'name=z'],
      ['POST', '/users/{id}/tokens', { 'content-type': 'multipart/form-data; boundary=b' }, '--b--'],
    ];
    for (const [method, path, headers, raw] of cases) {
      const res = await call(method, path, {
        params: { id: path.startsWith('/users') ? 'u' : sourceId },
        headers,
        raw,
      });
      expectEnvelope(res, 415, 'unsupported_media_type', 'header.content-type');
      expect(res.body.error.message).toMatch(/application\/json/);
    }
    // JSON with a charset parameter is still JSON.
    const ok = await call('PATCH', '/sources/{id}', {
      params: { id: sourceId },
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: {},
    });
    expect(ok.status).toBe(200);
    expect(await snapshot()).toEqual(before);
  });

  it('400 invalid_query for full-text syntax the engine rejects', async () => {
    for (const q of ['*', '* word', '"unbalanced', '(open', 'a AND', '+']) {
      expectEnvelope(await call('GET', '/search', { query: { q, syntax: 'fts' } }), 400, 'invalid_query', 'query');
    }
    expect((await call('GET', '/search', { query: { q: 'word*', syntax: 'fts' } })).status).toBe(200);
  });

  it('400 for an ingest timestamp out of range (1e20, beyond year 9999)', async () => {
    const before = await snapshot();
    for (const timestamp of [1e20, 1e300, 253402300800, 9e15, '10000-01-01T00:00:00Z', '+010000-01-01T00:00:00Z']) {
      const res = await call('POST', '/sources/{id}/ingest', {
        params: { id: sourceId },
        body: { items: [{ external_id: 'x', content: 'x', metadata: { timestamp } }] },
      });
      expectEnvelope(res, 400, 'invalid_input', 'items.0.metadata.timestamp');
    }
    expect(await snapshot()).toEqual(before);
    const edge = await call('POST', '/sources/{id}/ingest', {
      params: { id: sourceId },
      body: { items: [{ external_id: 'edge', content: 'x', metadata: { timestamp: 253402300799 } }] },
    });
    expect(edge.status).toBe(200);
  });

  it('400 invalid_config for a cron expression the scheduler cannot run, on create and on change', async () => {
    const before = await snapshot();
    for (const cron of ['* * * * * * * *', '0 0 * * * * *', 'garbage', '61 * * * *']) {
      expectEnvelope(
        await call('POST', '/sources', { body: { source_type: 'push', name: 'c', schedule: { cron } } }),
        400,
        'invalid_config',
        'schedule.cron',
      );
      expectEnvelope(
        await call('PATCH', '/sources/{id}', { params: { id: sourceId }, body: { schedule: { cron } } }),
        400,
        'invalid_config',
        'schedule.cron',
      );
    }
    expect(await snapshot()).toEqual(before);
    expect(
      (await call('PATCH', '/sources/{id}', { params: { id: sourceId }, body: { schedule: { cron: '*/5 * * * *' } } }))
        .status,
    ).toBe(200);
    await call('PATCH', '/sources/{id}', { params: { id: sourceId }, body: { schedule: null } });
  });

  it('501 unsupported (not 500) for OAuth on a server without a vault', async () => {
    const res = await call('GET', '/oauth/{provider}/start', {
      params: { provider: 'google' },
      query: { source: 'target' },
    });
    expectEnvelope(res, 501, 'unsupported');
  });
});

describe('401 and 403', () => {
  it('every 401 carries WWW-Authenticate: Bearer (REST and MCP), with invalid_token when a token was sent', async () => {
    const none = await call('GET', '/sources', { token: null });
    expectEnvelope(none, 401, 'unauthenticated');
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="tributary"');
    const bad = await call('GET', '/sources', { token: 'trib_wrong' });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toBe('Bearer realm="tributary", error="invalid_token"');
    for (const authorization of [undefined, 'Bearer nope']) {
      const res = await fetch(`${server.url}/mcp`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...(authorization ? { authorization } : {}),
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(
        authorization ? /^Bearer realm="tributary", error="invalid_token"$/ : /^Bearer realm="tributary"$/,
      );
    }
  });

  it('admin routes check permission before the body: a non-admin gets 403 whatever it sends', async () => {
    const before = await snapshot();
    expectEnvelope(await user('POST', '/users', { body: { colour: 1 } }), 403, 'forbidden');
    expectEnvelope(await user('POST', '/users', { raw: '{not json' }), 403, 'forbidden');
    expectEnvelope(await user('POST', '/users', { headers: FORM, raw: 'a=b' }), 403, 'forbidden');
    expectEnvelope(
      await user('POST', '/users/{id}/tokens', { params: { id: 'x'.repeat(500) }, body: { scope: 'root' } }),
      403,
      'forbidden',
    );
    expectEnvelope(await user('DELETE', '/tokens/{id}', { params: { id: 'x'.repeat(500) } }), 403, 'forbidden');
    expect(await snapshot()).toEqual(before);
  });
});

describe('config objects are strict', () => {
  it('refuses unknown config keys naming the key and the key meant, never echoing the value', async () => {
    const before = await snapshot();
    const create = await call('POST', '/sources', {
      body: { source_type: 'imap', name: 'mail', config: { host: 'h', user: 'u', pasword: 'hunter2' } },
    });
    expectEnvelope(create, 400, 'invalid_config', 'config.pasword');
    expect(create.body.error.message).toMatch(/did you mean "password"/i);
    expect(JSON.stringify(create.body)).not.toContain('hunter2');
    const typo = await call('POST', '/sources', {
      body: { source_type: 'imap', name: 'mail', config: { host: 'h', prot: 993 } },
    });
    expectEnvelope(typo, 400, 'invalid_config', 'config.prot');
    expect(typo.body.error.issues).toContainEqual({
      path: 'config.prot',
      message: 'unknown key (did you mean "port"?)',
    });
    const patch = await call('PATCH', '/sources/{id}', { params: { id: sourceId }, body: { config: { colour: 1 } } });
    expectEnvelope(patch, 400, 'invalid_config', 'config.colour');
    expect(await snapshot()).toEqual(before);
  });

  it('masks secret fields in the 201 and 200 answers', async () => {
    const res = await call('POST', '/sources', {
      body: { source_type: 'imap', name: 'mail2', config: { host: 'h', user: 'u', password: 'hunter2' } },
    });
    expect(res.status).toBe(201);
    expect(res.body.config.password).toBe('********');
    const got = await call('GET', '/sources/{id}', { params: { id: res.body.id } });
    expect(JSON.stringify(got.body)).not.toContain('hunter2');
    await call('DELETE', '/sources/{id}', { params: { id: res.body.id } });
  });
});

describe('ingest', () => {
  it('refuses items pushed into a pulled source (its full refresh would delete them): 409, nothing stored', async () => {
    const pulled = (
      await call('POST', '/sources', { body: { source_type: 'synthetic', name: 'pulled', config: { count: 3 } } })
    ).body.id;
    const before = await snapshot();
    const checkpoint = await server.engine.store.getCheckpoint(pulled);
    const res = await call('POST', '/sources/{id}/ingest', {
      params: { id: pulled },
      body: { items: [{ external_id: 'x', content: 'pushed' }], checkpoint: { offset: 99 } },
    });
    expectEnvelope(res, 409, 'conflict', 'path.id');
    expect(res.body.error.message).toMatch(/push source/);
    expect(await snapshot()).toEqual(before);
    expect(await server.engine.store.getCheckpoint(pulled)).toEqual(checkpoint);
    await call('DELETE', '/sources/{id}', { params: { id: pulled } });
  });

  it('refuses a full refresh of a push source, which would tombstone every pushed item', async () => {
    await call('POST', '/sources/{id}/ingest', {
      params: { id: sourceId },
      body: { items: [{ external_id: 'kept', content: 'pushed and kept' }] },
    });
    const before = await snapshot();
    for (const wait of ['true', 'false']) {
      const res = await call('POST', '/sources/{id}/sync', {
        params: { id: sourceId },
        query: { mode: 'full_refresh', wait },
      });
      expectEnvelope(res, 409, 'conflict', 'mode');
    }
    expect(await snapshot()).toEqual(before);
    expect(await server.engine.store.getMemoryByExternalId(sourceId, 'kept')).toMatchObject({ deletedAt: null });
  });
});
