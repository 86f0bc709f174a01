import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSqliteStore, LOCAL_USER_ID } from '@tributary/engine';
import { TributaryError } from '@tributary/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAuthenticator } from './authenticate.js';
import { createRequestLimiter } from './rate-limit.js';
import { ensureBootstrapToken, hashToken, issueToken, TOKEN_FILE } from './tokens.js';

let dir: string;
let store: ReturnType<typeof createSqliteStore>;
beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-auth-'));
  store = createSqliteStore({ path: path.join(dir, 'tributary.db') });
  await store.migrate();
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const code = async (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: TributaryError) => e.code,
  );

describe('tokens', () => {
  it('stores only the sha256 hash and authenticates the secret', async () => {
    const { token, record } = await issueToken(store, { userId: LOCAL_USER_ID, name: 't' });
    expect(token).toMatch(/^trib_[A-Za-z0-9_-]{43}$/);
    expect(record.tokenHash).toBe(hashToken(token));
    expect(JSON.stringify(await store.listTokens())).not.toContain(token);
    const auth = createAuthenticator(store);
    expect((await auth(`Bearer ${token}`)).user.id).toBe(LOCAL_USER_ID);
    expect(await code(auth(undefined))).toBe('unauthenticated');
    expect(await code(auth(`Bearer ${token}x`))).toBe('unauthenticated');
    await store.revokeToken(record.id);
    expect(await code(auth(`Bearer ${token}`))).toBe('unauthenticated');
  });

  it('refuses a token for an unknown user', async () => {
    expect(await code(issueToken(store, { userId: 'ghost' }))).toBe('not_found');
  });

  it('creates the bootstrap admin token once, in a 0600 file', async () => {
    const token = await ensureBootstrapToken(store, dir);
    expect(token).toMatch(/^trib_/);
    const file = path.join(dir, TOKEN_FILE);
    expect(readFileSync(file, 'utf8').trim()).toBe(token);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await ensureBootstrapToken(store, dir)).toBeNull();
    expect(await store.listTokens()).toHaveLength(1);
  });
});

describe('request limiter', () => {
  it('allows a burst, then refuses with the wait, then refills with time', () => {
    let now = 1_000_000;
    const limiter = createRequestLimiter({ burst: 2, perSecond: 1 }, () => now);
    limiter.take('a');
    limiter.take('a');
    let err: TributaryError | undefined;
    try {
      limiter.take('a');
    } catch (e) {
      err = e as TributaryError;
    }
    expect(err?.code).toBe('rate_limited');
    expect(err?.retryAfterMs).toBe(1000);
    limiter.take('b'); // buckets are per token
    now += 1000;
    expect(() => limiter.take('a')).not.toThrow();
  });
});
