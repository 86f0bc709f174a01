import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TributaryError, systemClock, type Clock } from '@tributary/sdk';
import { generateKey, keyringFromKey, type Keyring } from './keyring.js';
import { createVault, type VaultOptions } from './vault.js';
import type { OAuthRefresher, OAuthTokenSet } from './types.js';
import { CREDENTIAL_BACKENDS, type CredentialBackend } from './test-support/backends.js';

/**
 * A scripted token endpoint: rotates the refresh token on every call, refuses a refresh token used twice
 * (as a rotating provider does), and can be told to fail.
 */
function scriptedProvider() {
  let n = 0;
  const valid = new Set(['rt-0']);
  const used: string[] = [];
  const failures: Array<TributaryError> = [];
  let gate: Promise<void> = Promise.resolve();
  const refresher: OAuthRefresher = {
    async refresh(provider, refreshToken): Promise<OAuthTokenSet> {
      used.push(refreshToken);
      await gate;
      const failure = failures.shift();
      if (failure) throw failure;
      if (!valid.delete(refreshToken))
        throw new TributaryError(
          'reauthorization_required',
          `the grant was revoked: ${provider} answered "invalid_grant"`,
        );
      n++;
      valid.add(`rt-${n}`);
      return { accessToken: `at-${n}`, refreshToken: `rt-${n}`, expiresIn: 3600, tokenType: 'bearer' };
    },
  };
  return {
    refresher,
    used,
    failures,
    calls: () => used.length,
    hold() {
      let release!: () => void;
      gate = new Promise<void>((r) => (release = r));
      return release;
    },
  };
}

const expired = () => ({
  kind: 'oauth2' as const,
  provider: 'idp',
  accessToken: 'at-0',
  refreshToken: 'rt-0',
  expiresAt: new Date(Date.now() - 1000).toISOString(),
});

describe.each(CREDENTIAL_BACKENDS)('OAuth refresh in the vault on the $name store', ({ create }) => {
  let backend: CredentialBackend;
  let keyring: Keyring;
  const clock: Clock = systemClock;

  const makeVault = (refresher: OAuthRefresher, extra: Partial<VaultOptions> = {}) =>
    createVault({ store: backend.store, keyring, clock, oauth: refresher, lockPollMs: 2, backoffBaseMs: 1, ...extra });

  beforeEach(async () => {
    backend = await create();
    keyring = keyringFromKey(generateKey());
    await backend.addSource('src-1');
  });
  afterEach(async () => {
    await backend.close();
  });

  it('refreshes an expired token once for 20 concurrent readers and persists the rotated refresh token', async () => {
    const idp = scriptedProvider();
    const vault = makeVault(idp.refresher);
    await vault.put('src-1', expired());
    const access = vault.credentialAccess('src-1', { type: 'oauth2', provider: 'idp' });
    const results = await Promise.all(Array.from({ length: 20 }, () => access.get()));
    expect(idp.calls()).toBe(1);
    expect(results.map((r) => (r?.kind === 'oauth2' ? r.accessToken : null))).toEqual(Array(20).fill('at-1'));
    expect(await vault.get('src-1')).toMatchObject({ accessToken: 'at-1', refreshToken: 'rt-1' });
  });

  it('refreshes once across two processes sharing the store (kv lease, re-read after waiting)', async () => {
    const idp = scriptedProvider();
    const a = makeVault(idp.refresher);
    const b = makeVault(idp.refresher);
    await a.put('src-1', expired());
    const release = idp.hold();
    const pending = Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).credentialAccess('src-1').get());
    // Let both "processes" reach the lease before the provider answers.
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    release();
    const results = await Promise.all(pending);
    expect(idp.calls()).toBe(1);
    expect(new Set(results.map((r) => (r?.kind === 'oauth2' ? r.accessToken : null)))).toEqual(new Set(['at-1']));
    expect(new Set(idp.used).size).toBe(idp.used.length);
  });

  it('does not refresh a token that is still valid, and refreshes 60 s before expiry', async () => {
    const idp = scriptedProvider();
    const vault = makeVault(idp.refresher);
    await vault.put('src-1', { ...expired(), expiresAt: new Date(Date.now() + 120_000).toISOString() });
    expect(await vault.credentialAccess('src-1').get()).toMatchObject({ accessToken: 'at-0' });
    expect(idp.calls()).toBe(0);
    await vault.put('src-1', { ...expired(), expiresAt: new Date(Date.now() + 30_000).toISOString() });
    expect(await vault.credentialAccess('src-1').get()).toMatchObject({ accessToken: 'at-1' });
    expect(idp.calls()).toBe(1);
  });

  it('refresh() after a 401 forces one refresh, shared by concurrent callers; a stale caller reuses the new token', async () => {
    const idp = scriptedProvider();
    const vault = makeVault(idp.refresher);
    await vault.put('src-1', { ...expired(), expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    const first = vault.credentialAccess('src-1');
    const second = vault.credentialAccess('src-1');
    await first.get();
    await second.get();
    const [r1, r2] = await Promise.all([first.refresh(), first.refresh()]);
    expect(idp.calls()).toBe(1);
    expect(r1).toMatchObject({ accessToken: 'at-1' });
    expect(r2).toMatchObject({ accessToken: 'at-1' });
    // `second` saw at-0 fail too, but at-1 is already stored: no second refresh.
    expect(await second.refresh()).toMatchObject({ accessToken: 'at-1' });
    expect(idp.calls()).toBe(1);
  });

  it('retries a transient failure with backoff', async () => {
    const idp = scriptedProvider();
    idp.failures.push(
      new TributaryError('upstream_unavailable', 'down'),
      new TributaryError('upstream_unavailable', 'down'),
    );
    const vault = makeVault(idp.refresher);
    await vault.put('src-1', expired());
    expect(await vault.credentialAccess('src-1').get()).toMatchObject({ accessToken: 'at-1' });
    expect(idp.calls()).toBe(3);
  });

  it('gives up after the attempts are spent, leaving the stored credential as it was', async () => {
    const idp = scriptedProvider();
    idp.failures.push(...Array.from({ length: 3 }, () => new TributaryError('upstream_unavailable', 'down')));
    const vault = makeVault(idp.refresher);
    await vault.put('src-1', expired());
    await expect(vault.credentialAccess('src-1').get()).rejects.toMatchObject({ code: 'upstream_unavailable' });
    expect(await vault.get('src-1')).toMatchObject({ accessToken: 'at-0', refreshToken: 'rt-0' });
    expect((await backend.store.getSource('src-1'))?.status).toBe('active');
  });

  it('a revoked grant puts the source in error and asks for reauthorization', async () => {
    const idp = scriptedProvider();
    const vault = makeVault(idp.refresher);
    await vault.put('src-1', { ...expired(), refreshToken: 'rt-revoked' });
    await expect(vault.credentialAccess('src-1').get()).rejects.toMatchObject({ code: 'reauthorization_required' });
    const source = await backend.store.getSource('src-1');
    expect(source?.status).toBe('error');
    expect(source?.errorMessage).toMatch(/^reauthorization required: /);
  });

  it('persists the rotated refresh token before returning the new access token', async () => {
    const idp = scriptedProvider();
    const store = backend.store;
    let failWrites = false;
    const flaky = {
      ...store,
      putCredential: async (...args: Parameters<typeof store.putCredential>) => {
        if (failWrites) throw new TributaryError('store_unavailable', 'database is down');
        return store.putCredential(...args);
      },
    } as typeof store;
    const vault = createVault({ store: flaky, keyring, clock, oauth: idp.refresher, lockPollMs: 2, backoffBaseMs: 1 });
    await vault.put('src-1', expired());
    failWrites = true;
    await expect(vault.credentialAccess('src-1').get()).rejects.toMatchObject({ code: 'store_unavailable' });
    expect(idp.calls()).toBe(1);
  });
});
