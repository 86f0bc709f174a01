import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOAuthClients } from '@tributary/engine';
import {
  startOidcServer,
  TEST_CLIENT_ID,
  TEST_CLIENT_SECRET,
  type TestOidcServer,
} from '@tributary/engine/oauth/test-support/oidc-server';
import { filesContain, TestBrowser, userinfoStatus } from '../test-support/oauth-browser.js';
import { createClient, startTestServer, type Client, type TestServer } from '../test-support/server.js';

const CALLBACK_PATH = '/api/v1/oauth/testidp/callback';
let idp: TestOidcServer;
let server: TestServer;
let call: Client;
let bobCall: Client;
let bobToken: string;
let sourceId: string;
let bobSourceId: string;

beforeAll(async () => {
  idp = await startOidcServer({ loopbackRedirectPaths: [CALLBACK_PATH] });
  const clients = createOAuthClients({
    providers: { testidp: idp.provider },
    env: { TESTIDP_CLIENT_ID: TEST_CLIENT_ID, TESTIDP_CLIENT_SECRET: TEST_CLIENT_SECRET },
    allowInsecureRequests: true,
  });
  server = await startTestServer({ oauth: clients });
  call = createClient(server.url, server.adminToken);
  const created = await call('POST', '/sources', {
    body: { source_type: 'push', name: 'mailbox', config: { sourceType: 'mail' } },
  });
  sourceId = created.body.id;
  await call('POST', '/users', { body: { id: 'bob', name: 'Bob' } });
  bobToken = (await call('POST', '/users/{id}/tokens', { params: { id: 'bob' }, body: { name: 'b' } })).body.token;
  bobCall = createClient(server.url, bobToken);
  bobSourceId = (await bobCall('POST', '/sources', { body: { source_type: 'push', name: 'bobs' } })).body.id;
}, 60_000);
afterAll(async () => {
  await server?.close();
  await idp?.close();
});

/** `GET /oauth/testidp/start` in a browser with a bearer token (as a dashboard link would, after login). */
async function start(browser: TestBrowser, token: string, source: string): Promise<Response> {
  return browser.fetch(`${server.url}/api/v1/oauth/testidp/start?source=${encodeURIComponent(source)}`, {
    headers: { authorization: `Bearer ${token}` },
  });
}

/** start → consent at the IdP → the callback URL (not yet fetched). */
async function authorize(browser: TestBrowser, token = server.adminToken, source = sourceId): Promise<string> {
  const res = await start(browser, token, source);
  expect(res.status).toBe(302);
  return browser.followUntil(res.headers.get('location')!, `${server.url}${CALLBACK_PATH}`);
}

const dbFiles = () => ['tributary.db', 'tributary.db-wal'].map((f) => path.join(server.dir, f));

describe('OAuth routes against oidc-provider on loopback', () => {
  it('start → authorize → callback stores the tokens encrypted; refresh; disconnect revokes', async () => {
    await server.engine.store.updateSource(sourceId, {
      status: 'error',
      errorMessage: 'reauthorization required: the grant was revoked',
    });
    const browser = new TestBrowser();
    const res = await start(browser, server.adminToken, 'mailbox');
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(`${idp.issuer}/auth`);
    expect(location.searchParams.get('redirect_uri')).toBe(`${server.url}${CALLBACK_PATH}`);
    expect(location.searchParams.get('state')).toMatch(/^[\w-]{20,}$/);
    expect(location.searchParams.get('code_challenge_method')).toBe('S256');
    const setCookie = res.headers.getSetCookie().join('\n');
    expect(setCookie).toMatch(/tributary_oauth=[\w-]{40,}/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);

    const callback = await browser.followUntil(location.href, `${server.url}${CALLBACK_PATH}`);
    const page = await browser.fetch(callback);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('Connected mailbox');
    expect(html).toContain('you can close this tab');
    expect(idp.tokenRequests.authorization_code).toBe(1);

    // Stored: readable through the vault, a connector gets a working access token, the raw database holds no token.
    const stored = await server.vault!.get(sourceId);
    expect(stored).toMatchObject({ kind: 'oauth2', provider: 'testidp' });
    if (stored?.kind !== 'oauth2') throw new Error('not an oauth2 credential');
    expect(stored.refreshToken).toBeTruthy();
    const access = server.vault!.credentialAccess(sourceId, { type: 'oauth2', provider: 'testidp' });
    const credential = await access.get();
    expect(credential).toMatchObject({ kind: 'oauth2', accessToken: stored.accessToken });
    expect(await userinfoStatus(idp.issuer, stored.accessToken)).toBe(200);
    expect(filesContain(dbFiles(), stored.accessToken)).toBe(false);
    expect(filesContain(dbFiles(), stored.refreshToken!)).toBe(false);
    // The source in "reauthorization required" is active again.
    const source = await call('GET', '/sources/{id}', { params: { id: sourceId } });
    expect(source.body).toMatchObject({ status: 'active', error_message: null });
    expect(JSON.stringify(source.body)).not.toContain(stored.accessToken);

    // Refresh (as after a 401): a new access token from the IdP, which works.
    const refreshed = await access.refresh();
    expect(idp.tokenRequests.refresh_token).toBe(1);
    if (refreshed?.kind !== 'oauth2') throw new Error('refresh gave no oauth2 credential');
    expect(refreshed.accessToken).not.toBe(stored.accessToken);
    expect(await userinfoStatus(idp.issuer, refreshed.accessToken)).toBe(200);

    // Disconnect: revoked at the IdP (counted there), deleted here; the token stops working.
    const revokedBefore = idp.events.revoked;
    const gone = await call('DELETE', '/sources/{id}/connection', { params: { id: sourceId } });
    expect(gone).toMatchObject({ status: 200, body: { revoked: true, deleted: true } });
    expect(idp.events.revoked).toBe(revokedBefore + 1);
    expect(await server.vault!.get(sourceId)).toBeUndefined();
    expect(await userinfoStatus(idp.issuer, refreshed.accessToken)).toBe(401);
    const again = await call('DELETE', '/sources/{id}/connection', { params: { id: sourceId } });
    expect(again.body).toMatchObject({ revoked: false, deleted: false });
  });

  it('answers { url, expires_at } with format=json and the callback as JSON on request', async () => {
    const browser = new TestBrowser();
    const res = await browser.fetch(`${server.url}/api/v1/oauth/testidp/start?source=${sourceId}&format=json`, {
      headers: { authorization: `Bearer ${server.adminToken}` },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { url: string; expires_at: string };
    expect(new URL(body.url).searchParams.get('client_id')).toBe(TEST_CLIENT_ID);
    expect(Date.parse(body.expires_at)).toBeGreaterThan(Date.now());
    const callback = await browser.followUntil(body.url, `${server.url}${CALLBACK_PATH}`);
    const done = await browser.fetch(callback, { headers: { accept: 'application/json' } });
    expect(done.status).toBe(200);
    expect(await done.json()).toMatchObject({
      source_id: sourceId,
      source_name: 'mailbox',
      provider: 'testidp',
      has_refresh_token: true,
    });
  });

  it('refuses a callback without the cookie (401), a tampered state (400), a reused one (409)', async () => {
    const browser = new TestBrowser();
    const callback = await authorize(browser);
    const noCookie = await fetch(callback, { headers: { accept: 'application/json' } });
    expect(noCookie.status).toBe(401);
    expect(((await noCookie.json()) as any).error.code).toBe('unauthenticated');

    const tampered = new URL(callback);
    tampered.searchParams.set('state', `${tampered.searchParams.get('state')}x`);
    const bad = await browser.fetch(tampered.href);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error.code).toBe('invalid_input');

    expect((await browser.fetch(callback)).status).toBe(200);
    const reused = await browser.fetch(callback);
    expect(reused.status).toBe(409);
    expect(((await reused.json()) as any).error.code).toBe('conflict');
  });

  it("refuses a callback arriving with another user's cookie (403) and another user's source (404)", async () => {
    const alice = new TestBrowser();
    const callback = await authorize(alice);
    const bob = new TestBrowser();
    const bobStart = await start(bob, (bobCall as unknown as { token?: string }).token ?? '', bobSourceId);
    await bobStart.body?.cancel();
    // Bob's own start, with Bob's token, gives his browser a cookie bound to him.
    bobToken = (await call('POST', '/users/{id}/tokens', { params: { id: 'bob' }, body: { name: 'c' } })).body
      .token as string;
    const own = await start(bob, bobToken, bobSourceId);
    expect(own.status).toBe(302);
    await own.body?.cancel();
    const crossed = await bob.fetch(callback);
    expect(crossed.status).toBe(403);
    expect(((await crossed.json()) as any).error.code).toBe('forbidden');

    const foreign = await start(new TestBrowser(), server.adminToken, bobSourceId);
    expect(foreign.status).toBe(404);
    const anonymous = await fetch(`${server.url}/api/v1/oauth/testidp/start?source=${sourceId}`, {
      redirect: 'manual',
    });
    expect(anonymous.status).toBe(401);
  });

  it('refuses an unconfigured provider with a message naming the env vars', async () => {
    const res = await call('GET', '/oauth/{provider}/start', {
      params: { provider: 'notion' },
      query: { source: sourceId, format: 'json' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_config');
    expect(res.body.error.message).toContain('NOTION_CLIENT_ID');
  });
});
