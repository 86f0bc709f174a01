import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Credential } from '@tributary/sdk';
import { githubConnector } from '@tributary/connectors/github/index';
import { seedGithubRepo, startGithubTwin } from '../../../../test/twins/github/index.js';
import { createClient, startTestServer, type Client, type TestServer } from './test-support/server.js';

/**
 * GitHub's `pullRequests` feature with config, set connector-wide and per source over the API, changes what the
 * next sync reads from the twin; connector metrics reach /metrics; only admins change connector-wide settings.
 */
let server: TestServer;
let twin: Awaited<ReturnType<typeof startGithubTwin>>;
let admin: Client;
let alice: Client;
let sourceId: string;
const credential: Credential = { kind: 'token', token: 'ghp_twin' };

beforeAll(async () => {
  const seed = seedGithubRepo({ issues: 3, pulls: 4, commits: 2, files: 2, commentsPerIssue: 0 });
  twin = await startGithubTwin(seed.state);
  server = await startTestServer({
    connectors: [githubConnector],
    engine: { credentials: () => ({ get: async () => credential, refresh: async () => credential }) },
  });
  admin = createClient(server.url, server.adminToken);
  await admin('POST', '/users', { body: { id: 'alice', name: 'Alice' } });
  alice = createClient(
    server.url,
    (await admin('POST', '/users/{id}/tokens', { params: { id: 'alice' }, body: {} })).body.token,
  );
  sourceId = (
    await admin('POST', '/sources', {
      body: { source_type: 'github', name: 'gh', config: { repos: ['acme/widgets'], baseUrl: twin.url } },
    })
  ).body.id;
});
afterAll(async () => {
  await server.close();
  await twin.close();
});

const sync = async (mode?: 'full_refresh') => {
  const res = await admin('POST', '/sources/{id}/sync', {
    params: { id: sourceId },
    query: { wait: 'true', ...(mode ? { mode } : {}) },
  });
  expect(res.body.run?.status).toBe('succeeded');
};
const byStream = async (): Promise<Record<string, number>> =>
  (await admin('GET', '/sources/{id}/stats', { params: { id: sourceId } })).body.by_stream;

describe('feature flags with config change what the next GitHub run reads', () => {
  it('connector-wide includeReviews false: no reviews; a source override brings them back; maxAgeDays drops old PRs', async () => {
    const set = await admin('POST', '/connectors/{name}/features/{feature}', {
      params: { name: 'github', feature: 'pullRequests' },
      body: { config: { includeReviews: false } },
    });
    expect(set.status).toBe(200);
    expect(set.body.features.pullRequests).toMatchObject({
      enabled: true,
      config: { includeReviews: false },
      connector: { config: { includeReviews: false } },
    });
    await sync();
    const first = await byStream();
    expect(first['pull-requests']).toBe(4);
    expect(first.reviews ?? 0).toBe(0);

    const own = await admin('POST', '/sources/{id}/features/{feature}', {
      params: { id: sourceId, feature: 'pullRequests' },
      body: { config: { includeReviews: true } },
    });
    expect(own.body.features.pullRequests).toMatchObject({
      config: { includeReviews: true },
      source: { config: { includeReviews: true } },
    });
    await sync('full_refresh');
    expect((await byStream()).reviews).toBe(4);

    // The twin's repository was seeded in November 2025: with maxAgeDays 30 no pull request is recent enough.
    await admin('POST', '/sources/{id}/features/{feature}', {
      params: { id: sourceId, feature: 'pullRequests' },
      body: { config: { includeReviews: true, maxAgeDays: 30 } },
    });
    await sync('full_refresh');
    const last = await byStream();
    expect(last['pull-requests'] ?? 0).toBe(0);
    expect(last.issues).toBe(3);
  });

  it("exports the connector's api_rate_limit_remaining gauge with connector and source labels", async () => {
    const text = (await admin('GET', '/metrics')).body as string;
    const line = text.split('\n').find((l) => l.startsWith('tributary_connector_api_rate_limit_remaining{'));
    expect(line).toContain('connector="github"');
    expect(line).toContain(`source="${sourceId}"`);
    const value = Number(line!.split(' ').pop());
    expect(value).toBeGreaterThan(0);
    expect(value).toBeLessThan(5000);
    expect(text).toContain('# HELP tributary_connector_api_rate_limit_remaining Requests left');
  });

  it('GET /connectors shows the manifest fields; a source health check runs check() against the twin', async () => {
    const gh = (await admin('GET', '/connectors')).body.connectors[0];
    expect(gh).toMatchObject({
      name: 'github',
      author: 'Tributary',
      origin: 'builtin',
      enabled: true,
      missing_env_vars: [],
      metrics: [{ name: 'api_rate_limit_remaining', type: 'gauge' }],
    });
    expect(gh.features.pullRequests).toMatchObject({ has_config: true, depends_on: [] });
    expect(gh.env_vars.map((v: { name: string }) => v.name)).toEqual(['GITHUB_CLIENT_ID', 'GITHUB_CLIENT_SECRET']);
    const health = await admin('GET', '/sources/{id}/health', { params: { id: sourceId } });
    expect(health.body).toMatchObject({ ok: true, connector: 'github', connector_enabled: true });
    expect(health.body.message).toContain('Signed in as acme');
  });

  it('only an admin changes connector-wide settings; a user cannot see or change another user’s source', async () => {
    for (const [path, params, body] of [
      ['/connectors/{name}/disable', { name: 'github' }, undefined],
      ['/connectors/{name}/enable', { name: 'github' }, undefined],
      ['/connectors/{name}/features/{feature}', { name: 'github', feature: 'commits' }, { enabled: false }],
      ['/datasources/{name}/features/{feature}', { name: 'github', feature: 'commits' }, undefined],
    ] as const) {
      const res = await alice('POST', path, { params, ...(body ? { body } : {}) });
      expect({ path, status: res.status, code: res.body.error?.code }).toEqual({
        path,
        status: 403,
        code: 'forbidden',
      });
    }
    for (const [method, path] of [
      ['GET', '/sources/{id}/features'],
      ['POST', '/sources/{id}/features/{feature}'],
      ['GET', '/sources/{id}/health'],
    ] as const) {
      const res = await alice(method, path, {
        params: { id: sourceId, feature: 'commits' },
        ...(method === 'POST' ? { body: { enabled: false } } : {}),
      });
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
    }
    // nothing changed
    const gh = (await admin('GET', '/connectors/{name}', { params: { name: 'github' } })).body;
    expect(gh.enabled).toBe(true);
    expect(gh.feature_settings.commits).toMatchObject({ enabled: true, connector: null });
    expect(
      (await admin('GET', '/sources/{id}/features', { params: { id: sourceId } })).body.features.commits.source,
    ).toBeNull();
    // bad bodies: 400 naming the field
    const bad = await admin('POST', '/sources/{id}/features/{feature}', {
      params: { id: sourceId, feature: 'pullRequests' },
      body: { config: { maxAgeDays: -3 } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues[0].path).toBe('features.pullRequests.config.maxAgeDays');
    const unknownKey = await admin('POST', '/connectors/{name}/features/{feature}', {
      params: { name: 'github', feature: 'issues' },
      body: { enabled: true, extra: 1 },
    });
    expect(unknownKey.status).toBe(400);
  });
});
