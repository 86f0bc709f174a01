import { validate, compileErrors } from '@readme/openapi-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOAuthClients } from '@tributary/engine';
import {
  startOidcServer,
  TEST_CLIENT_ID,
  TEST_CLIENT_SECRET,
  type TestOidcServer,
} from '@tributary/engine/oauth/test-support/oidc-server';
import { TestBrowser } from './test-support/oauth-browser.js';
import { createClient, makeItems, startTestServer, type Client, type TestServer } from './test-support/server.js';

// Every documented operation is exercised here (or in the files below through the same client and set); the last
// test compares the set of "METHOD path" the client used with the document's operations.
let server: TestServer;
let call: Client;
const covered = new Set<string>();
let doc: any;
let sourceId: string;
let idp: TestOidcServer;

beforeAll(async () => {
  // A real OAuth server on loopback, so the OAuth operations run for real here too.
  idp = await startOidcServer({ loopbackRedirectPaths: ['/api/v1/oauth/testidp/callback'] });
  const oauth = createOAuthClients({
    providers: { testidp: idp.provider },
    env: { TESTIDP_CLIENT_ID: TEST_CLIENT_ID, TESTIDP_CLIENT_SECRET: TEST_CLIENT_SECRET },
    allowInsecureRequests: true,
  });
  server = await startTestServer({ oauth });
  call = createClient(server.url, server.adminToken, covered);
});
afterAll(async () => {
  await server.close();
  await idp.close();
});

describe('REST API', () => {
  it('serves liveness and readiness without a token', async () => {
    expect(await call('GET', '/health', { token: null })).toMatchObject({ status: 200, body: { status: 'ok' } });
    const ready = await call('GET', '/ready', { token: null });
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('ready');
    expect(ready.body.migrations.current).toBe(ready.body.migrations.latest);
  });

  it('serves a valid OpenAPI 3.1 document and an HTML reference of it', async () => {
    const res = await fetch(`${server.url}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    doc = await res.json();
    expect(doc.openapi).toBe('3.1.0');
    const result = await validate(structuredClone(doc));
    expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true);
    const html = await (await fetch(`${server.url}/api/v1/docs`)).text();
    expect(html).toContain('<!doctype html>');
    expect(html).toContain('/api/v1/sources/{id}/ingest');
    expect(html).not.toMatch(/<script|https?:\/\/cdn/i);
  });

  it('lists connectors and gives a config JSON Schema', async () => {
    const list = await call('GET', '/connectors');
    expect(list.status).toBe(200);
    expect(list.body.connectors.map((c: { name: string }) => c.name)).toContain('push');
    const push = await call('GET', '/connectors/{name}', { params: { name: 'push' } });
    expect(push.status).toBe(200);
    expect(push.body.config_schema.type).toBe('object');
    expect(Object.keys(push.body.config_schema.properties)).toContain('sourceType');
    const unknown = await call('GET', '/connectors/{name}', { params: { name: 'nope' } });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
  });

  it('creates, lists, reads and changes a source', async () => {
    const created = await call('POST', '/sources', {
      body: {
        source_type: 'push',
        name: 'exporter',
        config: { sourceType: 'slack' },
        schedule: { interval_minutes: 30 },
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'exporter',
      source_type: 'push',
      owner_id: 'local',
      status: 'active',
      schedule: { interval_minutes: 30 },
    });
    sourceId = created.body.id;
    const dup = await call('POST', '/sources', { body: { source_type: 'push', name: 'exporter' } });
    expect(dup.status).toBe(409);
    expect((await call('GET', '/sources')).body.sources.map((s: { id: string }) => s.id)).toEqual([sourceId]);
    expect((await call('GET', '/sources/{id}', { params: { id: sourceId } })).body.last_sync_position).toBeNull();
    const patched = await call('PATCH', '/sources/{id}', {
      params: { id: sourceId },
      body: { name: 'slack-exporter', schedule: null },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'slack-exporter', schedule: null });
  });

  it('ingests pushed items, maps the seed fields and stores the checkpoint', async () => {
    const res = await call('POST', '/sources/{id}/ingest', {
      params: { id: sourceId },
      body: { items: makeItems('m', 0, 20), checkpoint: { cursor: 'c-20' } },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      processed: 20,
      memories_created: 20,
      memories_updated: 0,
      memories_deleted: 0,
      duplicates_skipped: 0,
      checkpoint: { cursor: 'c-20' },
    });
    const source = await call('GET', '/sources/{id}', { params: { id: sourceId } });
    expect(source.body.last_sync_position).toEqual({ cursor: 'c-20' });
  });

  it('searches with filters and returns a memory with its versions', async () => {
    const found = await call('GET', '/search', {
      query: { q: 'flamingo', source: 'slack-exporter', author: 'user1', limit: 50 },
    });
    expect(found.status).toBe(200);
    expect(found.body.hits.length).toBe(4); // m-1, m-6, m-11, m-16
    const hit = found.body.hits[0];
    expect(hit).toMatchObject({ source_id: sourceId, connector: 'push', author: 'user1', stream: 'messages' });
    expect(hit.snippet).toContain('«');
    const none = await call('GET', '/search', { query: { q: 'flamingo', since: '2030-01-01' } });
    expect(none.body.hits).toEqual([]);

    // An edit upstream: the same external id with new content becomes version 2.
    const edited = makeItems('m', 3, 1, 'pelican');
    const upd = await call('POST', '/sources/{id}/ingest', { params: { id: sourceId }, body: { items: edited } });
    expect(upd.body).toMatchObject({ memories_updated: 1, memories_created: 0 });
    const pel = await call('GET', '/search', { query: { q: 'pelican' } });
    expect(pel.body.hits).toHaveLength(1);
    const memory = await call('GET', '/memories/{id}', { params: { id: pel.body.hits[0].memory_id } });
    expect(memory.status).toBe(200);
    expect(memory.body).toMatchObject({
      external_id: 'm-3',
      version: 2,
      author: 'user3',
      container: '#chan0',
      thread: 't0',
      title: 'Message 3',
      url: 'https://chat.example.com/m/3',
      occurred_at: '2024-01-01T00:03:00.000Z',
      tags: expect.arrayContaining(['export']),
      metadata: expect.objectContaining({ source_type: 'slack', reactions: 3 }),
    });
    expect(memory.body.content).toContain('pelican');
    expect(memory.body.versions).toHaveLength(1);
    expect(memory.body.versions[0].content).toContain('flamingo');
  });

  it('pages through the timeline by thread and cursor', async () => {
    const page1 = await call('GET', '/timeline', { query: { source: sourceId, order: 'asc', limit: 5 } });
    expect(page1.status).toBe(200);
    expect(page1.body.entries.map((e: { external_id: string }) => e.external_id)).toEqual([
      'm-0',
      'm-1',
      'm-2',
      'm-3',
      'm-4',
    ]);
    const page2 = await call('GET', '/timeline', {
      query: { source: sourceId, order: 'asc', limit: 5, cursor: page1.body.next_cursor },
    });
    expect(page2.body.entries[0].external_id).toBe('m-5');
    const thread = await call('GET', '/timeline', { query: { thread: 't1' } });
    expect(thread.body.entries).toHaveLength(10);
  });

  it('deletes pushed items by external id', async () => {
    const res = await call('POST', '/sources/{id}/ingest', {
      params: { id: sourceId },
      body: { items: [], deleted: ['m-0', 'm-1'] },
    });
    expect(res.body.memories_deleted).toBe(2);
    const stats = await call('GET', '/sources/{id}/stats', { params: { id: sourceId } });
    expect(stats.status).toBe(200);
    expect(stats.body).toMatchObject({ source_id: sourceId, memories: 18, deleted: 2 });
  });

  it('runs a sync in the background (202) or waits for it', async () => {
    const waited = await call('POST', '/sources/{id}/sync', { params: { id: sourceId }, query: { wait: 'true' } });
    expect(waited.status).toBe(200);
    expect(waited.body.run).toMatchObject({ source_id: sourceId, status: 'succeeded' });
    const started = await call('POST', '/sources/{id}/sync', { params: { id: sourceId } });
    expect(started.status).toBe(202);
    expect(started.body.status).toBe('started');
    expect(typeof started.body.run_id).toBe('string');
    // The history shows the ingest runs and the sync runs, newest first.
    await expect
      .poll(
        async () =>
          (await call('GET', '/sources/{id}/history', { params: { id: sourceId } })).body.runs.find(
            (r: { id: string }) => r.id === started.body.run_id,
          )?.status,
        { timeout: 10_000 },
      )
      .toBe('succeeded');
    const history = await call('GET', '/sources/{id}/history', { params: { id: sourceId }, query: { limit: 2 } });
    expect(history.body.runs).toHaveLength(2);
  });

  it('pauses and resumes; a paused source does not sync (409)', async () => {
    expect((await call('POST', '/sources/{id}/pause', { params: { id: sourceId } })).body.status).toBe('paused');
    const refused = await call('POST', '/sources/{id}/sync', { params: { id: sourceId } });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('conflict');
    expect((await call('POST', '/sources/{id}/resume', { params: { id: sourceId } })).body.status).toBe('active');
  });

  it('lets an admin manage users and tokens', async () => {
    const user = await call('POST', '/users', { body: { id: 'bob', name: 'Bob' } });
    expect(user.status).toBe(201);
    expect(user.body).toMatchObject({ id: 'bob', name: 'Bob', is_admin: false, allowed_roots: [] });
    const roots = await call('PUT', '/users/{id}/allowed-roots', {
      params: { id: 'bob' },
      body: { allowed_roots: ['/srv/not-created-yet/bob'] },
    });
    expect(roots.body).toMatchObject({ id: 'bob', allowed_roots: ['/srv/not-created-yet/bob'] });
    expect((await call('GET', '/users')).body.users.map((u: { id: string }) => u.id).sort()).toEqual(['bob', 'local']);
    const token = await call('POST', '/users/{id}/tokens', { params: { id: 'bob' }, body: { name: 'laptop' } });
    expect(token.status).toBe(201);
    expect(token.body.token).toMatch(/^trib_/);
    expect((await call('GET', '/sources', { token: token.body.token })).body.sources).toEqual([]);
    expect((await call('DELETE', '/tokens/{id}', { params: { id: token.body.id } })).status).toBe(204);
    expect((await call('GET', '/sources', { token: token.body.token })).status).toBe(401);
    expect((await call('DELETE', '/tokens/{id}', { params: { id: token.body.id } })).status).toBe(404);
  });

  it('exposes Prometheus metrics fed by engine events and HTTP traffic', async () => {
    const res = await call('GET', '/metrics');
    expect(res.status).toBe(200);
    const text = String(res.body);
    expect(text).toMatch(new RegExp(`tributary_memories_created_total\\{source="${sourceId}",connector="push"\\} 20`));
    expect(text).toMatch(new RegExp(`tributary_memories_updated_total\\{source="${sourceId}",connector="push"\\} 1`));
    expect(text).toMatch(new RegExp(`tributary_memories_deleted_total\\{source="${sourceId}",connector="push"\\} 2`));
    expect(text).toMatch(/tributary_sync_runs_total\{connector="push",status="succeeded"\} 2/);
    expect(text).toMatch(
      /tributary_http_requests_total\{method="POST",route="\/api\/v1\/sources\/:id\/ingest",status="200"\} 3/,
    );
    server.metrics.setQueueDepth(7);
    expect(String((await call('GET', '/metrics')).body)).toMatch(/tributary_queue_depth\{queue="ingestion"\} 7/);
  });

  it('connects a source with OAuth (start, callback) and disconnects it', async () => {
    const started = await call('GET', '/oauth/{provider}/start', {
      params: { provider: 'testidp' },
      query: { source: sourceId, format: 'json' },
    });
    expect(started.status).toBe(200);
    const browser = new TestBrowser();
    const [cookie] = started.headers.getSetCookie()[0]!.split(';');
    browser.jar.set(cookie!.split('=')[0]!, cookie!.slice(cookie!.indexOf('=') + 1));
    const callbackUrl = new URL(
      await browser.followUntil(started.body.url, `${server.url}/api/v1/oauth/testidp/callback`),
    );
    const done = await call('GET', '/oauth/{provider}/callback', {
      params: { provider: 'testidp' },
      query: Object.fromEntries(callbackUrl.searchParams),
      token: null,
      headers: { cookie: `${cookie}`, accept: 'application/json' },
    });
    expect(done).toMatchObject({ status: 200, body: { source_id: sourceId, provider: 'testidp' } });
    const gone = await call('DELETE', '/sources/{id}/connection', { params: { id: sourceId } });
    expect(gone).toMatchObject({ status: 200, body: { revoked: true, deleted: true } });
  });

  it('deletes a source with all its data', async () => {
    expect((await call('DELETE', '/sources/{id}', { params: { id: sourceId } })).status).toBe(204);
    expect((await call('GET', '/sources/{id}', { params: { id: sourceId } })).status).toBe(404);
    expect((await call('GET', '/search', { query: { q: 'flamingo' } })).body.hits).toEqual([]);
  });

  it('receives webhooks without a token: unverifiable deliveries are refused, connectors without webhooks are 404', async () => {
    // Full signed-delivery behaviour is in webhooks.test.ts; here the route runs through the documented client.
    const unsigned = await call('POST', '/webhooks/{connector}', {
      params: { connector: 'github' },
      token: null,
      body: { zen: 'hi' },
    });
    expect(unsigned.status).toBe(401);
    expect(unsigned.body).toMatchObject({ error: { code: 'unauthenticated' } });
    const none = await call('POST', '/webhooks/{connector}', {
      params: { connector: 'synthetic' },
      token: null,
      body: {},
    });
    expect(none.status).toBe(404);
  });

  it('seed routes: register, status, and the dead-letter queue (details in seed-ingest and dead-letters tests)', async () => {
    const reg = await call('POST', '/sources/register', { body: { source_type: 'push', name: 'registered' } });
    expect(reg.status).toBe(201);
    const status = await call('GET', '/sources/{id}/status', { params: { id: reg.body.id } });
    expect(status.body).toMatchObject({ id: reg.body.id, schedule_status: 'manual', next_sync_at: null });
    expect((await call('GET', '/jobs/dead')).body).toEqual({ jobs: [] });
    for (const action of ['retry', 'discard']) {
      expect((await call('POST', `/jobs/dead/{id}/${action}`, { params: { id: 'nope' } })).status).toBe(404);
      expect((await call('POST', `/jobs/dead/${action}`, { body: { all: true } })).body).toEqual({
        count: 0,
        jobs: [],
      });
    }
  });

  it('privacy rules: read, replace, dry run, purge by match (details in enrichment.test.ts)', async () => {
    expect((await call('GET', '/privacy/rules')).body).toEqual({ redact: [], exclude: [] });
    const rules = { redact: [{ pattern: 'zz-never-\\d+' }], exclude: [] };
    expect((await call('PUT', '/privacy/rules', { body: rules })).body).toEqual(rules);
    expect((await call('POST', '/privacy/dry-run', { body: {} })).body).toMatchObject({ redacted: 0, dropped: 0 });
    const purge = await call('POST', '/privacy/purge', { body: { match: 'zz-never-\\d+', dry_run: true } });
    expect(purge.body).toMatchObject({ matched: 0, purged: 0 });
    await call('PUT', '/privacy/rules', { body: { redact: [], exclude: [] } });
  });

  it("lists what a source's connector discovers", async () => {
    const created = await call('POST', '/sources', {
      body: { source_type: 'synthetic', name: 'checked', config: { count: 1 } },
    });
    const found = await call('GET', '/sources/{id}/discover', { params: { id: created.body.id } });
    expect(found.body).toEqual({ supported: false, resources: [] });
    expect((await call('GET', '/sources/{id}/discover', { params: { id: 'nope' } })).status).toBe(404);
    await call('DELETE', '/sources/{id}', { params: { id: created.body.id } });
  });

  it('connector registry: enable/disable, feature settings of a connector and a source, health (details in connector-registry.test.ts)', async () => {
    expect((await call('GET', '/datasources')).body.connectors.map((c: { name: string }) => c.name)).toContain(
      'github',
    );
    const src = await call('POST', '/sources', {
      body: { source_type: 'github', name: 'gh-registry', config: { repos: ['acme/widgets'] } },
    });
    const id = { id: src.body.id };
    expect((await call('POST', '/connectors/{name}/disable', { params: { name: 'github' } })).body.enabled).toBe(false);
    expect((await call('GET', '/sources/{id}', { params: id })).body.status_reason).toBe('connector disabled');
    expect((await call('GET', '/sources/{id}/health', { params: id })).body).toMatchObject({
      ok: false,
      message: 'connector disabled',
    });
    expect((await call('POST', '/connectors/{name}/enable', { params: { name: 'github' } })).body.enabled).toBe(true);
    const health = await call('GET', '/sources/{id}/health', { params: id });
    expect(health.body).toMatchObject({ ok: false, connector: 'github', connector_enabled: true });
    expect(health.body.message).toMatch(/auth_invalid/);
    const toggled = await call('POST', '/datasources/{name}/features/{feature}', {
      params: { name: 'github', feature: 'commits' },
    });
    expect(toggled.body.features.commits).toMatchObject({ enabled: false, connector: { enabled: false } });
    await call('POST', '/connectors/{name}/features/{feature}', {
      params: { name: 'github', feature: 'commits' },
      body: { enabled: null },
    });
    expect(
      (await call('GET', '/connectors/{name}/features', { params: { name: 'github' } })).body.features.commits,
    ).toMatchObject({ enabled: true, connector: null });
    const own = await call('POST', '/sources/{id}/features/{feature}', {
      params: { ...id, feature: 'files' },
      body: { enabled: false },
    });
    expect(own.body.features.files).toMatchObject({ enabled: false, source: { enabled: false } });
    expect((await call('GET', '/sources/{id}/features', { params: id })).body.features.files.enabled).toBe(false);
    await call('DELETE', '/sources/{id}', { params: id });
  });

  it('reads, saves and clears the embeddings settings (embeddings-settings.test.ts has the details)', async () => {
    expect((await call('GET', '/settings/embeddings')).body).toMatchObject({ saved: null });
    const put = await call('PUT', '/settings/embeddings', {
      body: { provider: 'ollama', model: 'all-minilm', dimensions: 384 },
    });
    expect(put.body.saved).toEqual({
      provider: 'ollama',
      url: 'http://127.0.0.1:11434',
      model: 'all-minilm',
      dimensions: 384,
    });
    expect((await call('PUT', '/settings/embeddings', { body: null })).body.saved).toBeNull();
  });

  it('reads, saves and clears the Qdrant settings (qdrant-settings.test.ts has the details)', async () => {
    expect((await call('GET', '/settings/qdrant')).body).toMatchObject({ saved: null });
    const put = await call('PUT', '/settings/qdrant', { body: { url: 'http://qdrant.internal:6333' } });
    expect(put.body.saved).toEqual({ url: 'http://qdrant.internal:6333' });
    expect((await call('PUT', '/settings/qdrant', { body: null })).body.saved).toBeNull();
  });

  it('exercised every operation of the OpenAPI document', () => {
    const documented = new Set<string>();
    for (const [p, item] of Object.entries<Record<string, unknown>>(doc.paths))
      for (const method of Object.keys(item)) documented.add(`${method.toUpperCase()} ${p}`);
    expect([...covered].sort()).toEqual([...documented].sort());
  });
});
