import { readFile } from 'node:fs/promises';
import * as oauth from 'oauth4webapi';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TributaryError, createLogger, systemClock, type Clock, type LogRecord } from '@tributary/sdk';
import { generateKey, keyringFromKey } from '../vault/keyring.js';
import { createVault, type Vault } from '../vault/vault.js';
import { CREDENTIAL_BACKENDS, type CredentialBackend } from '../vault/test-support/backends.js';
import { createOAuthClients, type OAuthClients } from './oauth-client.js';
import {
  createOAuthFlow,
  OAUTH_STATE_NAMESPACE,
  OAUTH_STATE_TTL_MS,
  type OAuthFlow,
  type PendingAuthorization,
} from './oauth-flow.js';
import {
  startOidcServer,
  TEST_CLIENT_ID,
  TEST_CLIENT_SECRET,
  type TestOidcServer,
} from './test-support/oidc-server.js';

async function rejection(p: Promise<unknown>): Promise<TributaryError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(TributaryError);
    return err as TributaryError;
  }
  throw new Error('expected a rejection');
}

let idp: TestOidcServer;
beforeAll(async () => {
  idp = await startOidcServer();
});
afterAll(async () => {
  await idp.close();
});

describe.each(CREDENTIAL_BACKENDS)('OAuth flow against oidc-provider on loopback ($name store)', ({ create }) => {
  let backend: CredentialBackend;
  let vault: Vault;
  let clients: OAuthClients;
  let flow: OAuthFlow;
  let offsetMs: number;
  let logs: LogRecord[];
  /** Refresh tokens our client sent to the token endpoint, in order. */
  let sentRefreshTokens: string[];
  const clock: Clock = { now: () => Date.now() + offsetMs, sleep: systemClock.sleep };

  beforeEach(async () => {
    backend = await create();
    await backend.addSource('src-1', 'user-1');
    await backend.addSource('src-2', 'user-2');
    offsetMs = 0;
    logs = [];
    sentRefreshTokens = [];
    idp.tokenRequests.total =
      idp.tokenRequests.authorization_code =
      idp.tokenRequests.refresh_token =
      idp.tokenRequests.other =
        0;
    idp.events.refreshConsumed.length = idp.events.grantErrors.length = 0;
    const recordingFetch: typeof fetch = async (input, init) => {
      const rt = init?.body instanceof URLSearchParams ? init.body.get('refresh_token') : null;
      if (rt && String(input).endsWith('/token')) sentRefreshTokens.push(rt);
      return fetch(input, init);
    };
    clients = createOAuthClients({
      providers: { testidp: idp.provider },
      env: { TESTIDP_CLIENT_ID: TEST_CLIENT_ID, TESTIDP_CLIENT_SECRET: TEST_CLIENT_SECRET },
      allowInsecureRequests: true,
      fetch: recordingFetch,
    });
    const logger = createLogger((r) => logs.push(r), { level: 'debug' });
    vault = createVault({
      store: backend.store,
      keyring: keyringFromKey(generateKey()),
      clock,
      oauth: clients,
      logger,
      lockPollMs: 5,
      backoffBaseMs: 5,
    });
    flow = createOAuthFlow({ store: backend.store, vault, clients, clock, logger });
  });
  afterEach(async () => {
    await backend.close();
  });

  async function connect(sourceId = 'src-1', userId = 'user-1') {
    const started = await flow.startAuthorization({
      provider: 'testidp',
      sourceId,
      userId,
      redirectUri: idp.redirectUri,
    });
    const query = await idp.authorize(started.url);
    return {
      started,
      query,
      summary: await flow.completeAuthorization({ provider: 'testidp', query, userId, redirectUri: idp.redirectUri }),
    };
  }

  it('start → authorize → callback → stored encrypted → refresh with rotation → revocation', async () => {
    const started = await flow.startAuthorization({
      provider: 'testidp',
      sourceId: 'src-1',
      userId: 'user-1',
      redirectUri: idp.redirectUri,
    });
    const url = new URL(started.url);
    expect(url.origin + url.pathname).toBe(`${idp.issuer}/auth`);
    expect(url.searchParams.get('state')).toBe(started.state);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const pending = await backend.store.kvGet<PendingAuthorization>(OAUTH_STATE_NAMESPACE, started.state);
    expect(pending).toMatchObject({ userId: 'user-1', sourceId: 'src-1', provider: 'testidp' });
    expect(await oauth.calculatePKCECodeChallenge(pending!.codeVerifier!)).toBe(url.searchParams.get('code_challenge'));

    const query = await idp.authorize(started.url);
    const summary = await flow.completeAuthorization({
      provider: 'testidp',
      query,
      userId: 'user-1',
      redirectUri: idp.redirectUri,
    });
    expect(summary).toMatchObject({ sourceId: 'src-1', provider: 'testidp', hasRefreshToken: true });
    expect(JSON.stringify(summary)).not.toMatch(/accessToken|refreshToken"/);
    const stored = await vault.get('src-1');
    if (stored?.kind !== 'oauth2') throw new Error('expected an oauth2 credential');
    expect(stored.refreshToken).toBeTruthy();
    const envelope = JSON.stringify(await backend.store.getCredential('src-1'));
    expect(envelope).not.toContain(stored.accessToken);
    expect(envelope).not.toContain(stored.refreshToken!);
    if (backend.dbFile) {
      const raw = Buffer.concat(
        await Promise.all(
          [backend.dbFile, `${backend.dbFile}-wal`].map((f) => readFile(f).catch(() => Buffer.alloc(0))),
        ),
      );
      expect(raw.includes(Buffer.from(stored.accessToken))).toBe(false);
      expect(raw.includes(Buffer.from(stored.refreshToken!))).toBe(false);
    }

    await flow.refresh('src-1');
    const refreshed = await vault.get('src-1');
    if (refreshed?.kind !== 'oauth2') throw new Error('expected an oauth2 credential');
    expect(refreshed.accessToken).not.toBe(stored.accessToken);
    expect(refreshed.refreshToken).not.toBe(stored.refreshToken);
    expect(idp.events.refreshConsumed).toEqual([stored.refreshToken]);
    // Rotation: the old refresh token is dead at the server, the stored new one works.
    await flow.refresh('src-1');
    expect(idp.tokenRequests.refresh_token).toBe(2);
    expect(idp.events.grantErrors).toEqual([]);

    const current = (await vault.get('src-1')) as { refreshToken: string };
    const result = await flow.disconnect('src-1');
    expect(result).toEqual({ revoked: true, deleted: true });
    expect(await vault.get('src-1')).toBeUndefined();
    expect((await rejection(clients.refresh('testidp', current.refreshToken))).code).toBe('reauthorization_required');

    const text = JSON.stringify(logs);
    for (const secret of [stored.accessToken, stored.refreshToken!, refreshed.accessToken, refreshed.refreshToken!])
      expect(text).not.toContain(secret);
  });

  it('20 concurrent get() of an expired token cause exactly one refresh at the server', async () => {
    await connect();
    const before = (await vault.get('src-1')) as { accessToken: string; refreshToken: string };
    offsetMs = 2 * 3600_000;
    const hitsBefore = idp.tokenRequests.total;
    const access = vault.credentialAccess('src-1', { type: 'oauth2', provider: 'testidp' });
    const results = await Promise.all(Array.from({ length: 20 }, () => access.get()));
    const after = (await vault.get('src-1')) as { accessToken: string; refreshToken: string };
    expect(idp.tokenRequests.total - hitsBefore).toBe(1);
    expect(idp.tokenRequests.refresh_token).toBe(1);
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(results.map((r) => (r?.kind === 'oauth2' ? r.accessToken : null))).toEqual(
      Array(20).fill(after.accessToken),
    );
    expect(sentRefreshTokens).toEqual([before.refreshToken]);
    expect(idp.events.refreshConsumed).toEqual([before.refreshToken]);
    expect(idp.events.grantErrors).toEqual([]);
  });

  it('refuses a tampered state without calling the token endpoint', async () => {
    const { state, url } = await flow.startAuthorization({
      provider: 'testidp',
      sourceId: 'src-1',
      userId: 'user-1',
      redirectUri: idp.redirectUri,
    });
    const query = await idp.authorize(url);
    query.set('state', `${state.slice(0, -1)}${state.endsWith('A') ? 'B' : 'A'}`);
    const err = await rejection(flow.completeAuthorization({ provider: 'testidp', query, userId: 'user-1' }));
    expect(err.code).toBe('invalid_input');
    expect(err.message).toMatch(/Unknown or expired OAuth state/);
    const missing = new URLSearchParams(query);
    missing.delete('state');
    expect(
      (await rejection(flow.completeAuthorization({ provider: 'testidp', query: missing, userId: 'user-1' }))).code,
    ).toBe('invalid_input');
    expect(idp.tokenRequests.authorization_code).toBe(0);
    expect(await vault.get('src-1')).toBeUndefined();
  });

  it('refuses a reused state', async () => {
    const { query } = await connect();
    const err = await rejection(flow.completeAuthorization({ provider: 'testidp', query, userId: 'user-1' }));
    expect(err.code).toBe('conflict');
    expect(err.message).toMatch(/already used/);
    expect(idp.tokenRequests.authorization_code).toBe(1);
  });

  it('refuses a wrong PKCE verifier (the server rejects the code exchange)', async () => {
    const { state, url } = await flow.startAuthorization({
      provider: 'testidp',
      sourceId: 'src-1',
      userId: 'user-1',
      redirectUri: idp.redirectUri,
    });
    const query = await idp.authorize(url);
    const pending = (await backend.store.kvTake<PendingAuthorization>(OAUTH_STATE_NAMESPACE, state))!;
    await backend.store.kvPutIfAbsent(
      OAUTH_STATE_NAMESPACE,
      state,
      { ...pending, codeVerifier: oauth.generateRandomCodeVerifier() },
      OAUTH_STATE_TTL_MS,
    );
    const err = await rejection(flow.completeAuthorization({ provider: 'testidp', query, userId: 'user-1' }));
    expect(err.code).toBe('auth_invalid');
    expect(err.message).toMatch(/PKCE/);
    expect(idp.tokenRequests.authorization_code).toBe(1);
    expect(await vault.get('src-1')).toBeUndefined();
  });

  it("refuses a callback for another user, and a start on another user's source", async () => {
    const { url } = await flow.startAuthorization({
      provider: 'testidp',
      sourceId: 'src-1',
      userId: 'user-1',
      redirectUri: idp.redirectUri,
    });
    const query = await idp.authorize(url);
    const err = await rejection(flow.completeAuthorization({ provider: 'testidp', query, userId: 'user-2' }));
    expect(err.code).toBe('forbidden');
    expect(idp.tokenRequests.authorization_code).toBe(0);
    // The rightful user can still finish.
    expect(await flow.completeAuthorization({ provider: 'testidp', query, userId: 'user-1' })).toMatchObject({
      sourceId: 'src-1',
    });
    const start = await rejection(
      flow.startAuthorization({
        provider: 'testidp',
        sourceId: 'src-2',
        userId: 'user-1',
        redirectUri: idp.redirectUri,
      }),
    );
    expect(start.code).toBe('not_found');
  });

  it('reports a refused authorization (error=access_denied) clearly', async () => {
    const { state } = await flow.startAuthorization({
      provider: 'testidp',
      sourceId: 'src-1',
      userId: 'user-1',
      redirectUri: idp.redirectUri,
    });
    const query = { state, iss: idp.issuer, error: 'access_denied', error_description: 'The user said no' };
    const err = await rejection(flow.completeAuthorization({ provider: 'testidp', query, userId: 'user-1' }));
    expect(err.code).toBe('auth_invalid');
    expect(err.message).toContain('access_denied');
  });

  it('a grant revoked at the provider puts the source in error on the next refresh', async () => {
    await connect();
    const stored = (await vault.get('src-1')) as { refreshToken: string };
    expect(await clients.revoke('testidp', stored.refreshToken, 'refresh_token')).toBe(true);
    offsetMs = 2 * 3600_000;
    const err = await rejection(vault.credentialAccess('src-1').get());
    expect(err.code).toBe('reauthorization_required');
    const source = await backend.store.getSource('src-1');
    expect(source?.status).toBe('error');
    expect(source?.errorMessage).toMatch(/^reauthorization required: /);
    expect(errorChain(err)).not.toContain(stored.refreshToken);
    // Connecting again clears the error.
    offsetMs = 0;
    await connect();
    expect((await backend.store.getSource('src-1'))?.status).toBe('active');
  });

  it('names the env vars to set when the OAuth app is not configured', async () => {
    const bare = createOAuthFlow({
      store: backend.store,
      vault,
      clients: createOAuthClients({ providers: { testidp: idp.provider }, env: {} }),
    });
    const err = await rejection(
      bare.startAuthorization({
        provider: 'testidp',
        sourceId: 'src-1',
        userId: 'user-1',
        redirectUri: idp.redirectUri,
      }),
    );
    expect(err.code).toBe('invalid_config');
    expect(err.message).toContain('TESTIDP_CLIENT_ID');
    expect(
      (
        await rejection(
          flow.startAuthorization({
            provider: 'nope',
            sourceId: 'src-1',
            userId: 'user-1',
            redirectUri: idp.redirectUri,
          }),
        )
      ).code,
    ).toBe('not_found');
    const badRedirect = await rejection(
      flow.startAuthorization({
        provider: 'testidp',
        sourceId: 'src-1',
        userId: 'user-1',
        redirectUri: 'http://evil.example/cb',
      }),
    );
    expect(badRedirect.code).toBe('invalid_input');
  });
});

function errorChain(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err; e; e = (e as { cause?: unknown }).cause)
    parts.push(String(e), JSON.stringify(e, Object.getOwnPropertyNames(e)));
  return parts.join('\n');
}
