import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createManualClock, createTokenBucket, type RateLimiter, type RateLimitSpec } from '@tributary/sdk';
import type { SourceRecord, StoredCredential } from '@tributary/engine';
import { gmailConnector } from '@tributary/connectors/gmail/index';
import { seedGmail, startGmailTwin } from '../../../../test/twins/google/index.js';
import { credentialAccount, sourceRateLimiter } from './account-limiter.js';
import { openRuntime } from './open-runtime.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const source = (id: string, ownerId = 'local'): SourceRecord => ({
  id,
  ownerId,
  sourceType: 'gmail',
  name: id,
  config: {},
  features: {},
  schedule: null,
  status: 'active',
  errorMessage: null,
  lastSyncAt: null,
  lastSyncPosition: null,
  createdAt: new Date(0).toISOString(),
  updatedAt: new Date(0).toISOString(),
});

describe('Google budgets are per account (credential), not per source or owner', () => {
  it('two sources on one credential draw from one bucket; a source on another account does not wait', async () => {
    const clock = createManualClock();
    const spec: RateLimitSpec = { requests: 1, perSeconds: 1, burst: 2 };
    const buckets = new Map<string, RateLimiter>();
    const limiterFor = (key: string, s: RateLimitSpec): RateLimiter => {
      if (!buckets.has(key)) buckets.set(key, createTokenBucket(s, clock));
      return buckets.get(key)!;
    };
    const creds: Record<string, StoredCredential> = {
      a: { kind: 'oauth2', provider: 'google', accessToken: 'ya29.a1', refreshToken: '1//grant-one' },
      // The same grant, its access token refreshed since: the same account.
      b: { kind: 'oauth2', provider: 'google', accessToken: 'ya29.b2', refreshToken: '1//grant-one' },
      c: { kind: 'oauth2', provider: 'google', accessToken: 'ya29.c3', refreshToken: '1//grant-two' },
    };
    const deps = { limiterFor, credential: async (id: string) => creds[id] };
    // Different owners too: Google counts the account, whoever added the source.
    const [a, b, c] = [source('a'), source('b', 'someone-else'), source('c')].map((s) =>
      sourceRateLimiter(s, gmailConnector, spec, deps),
    );
    expect(await a!.acquire(2)).toBe(0); // the account's whole burst
    let bDone = false;
    const bWaits = b!.acquire(1).then((ms) => ((bDone = true), ms));
    expect(await c!.acquire(2)).toBe(0); // another account: its own burst, no wait
    await new Promise((r) => setTimeout(r, 20));
    expect(bDone).toBe(false); // b waits for the budget a spent
    clock.advance(1000);
    expect(await bWaits).toBe(1000);
    expect(buckets.size).toBe(2);
    expect([...buckets.keys()].every((k) => k.startsWith('gmail:account:'))).toBe(true);
    // No secret in a limiter (or Redis) key.
    for (const k of buckets.keys()) expect(k).not.toMatch(/1\/\/|grant-|ya29/);
  });

  it('the account is the OpenID subject when there is an id_token, else the grant, else the token', () => {
    const idToken = (sub: string): string =>
      ['e30', Buffer.from(JSON.stringify({ sub })).toString('base64url'), 'sig'].join('.');
    const oauth = (extra: Partial<StoredCredential & { kind: 'oauth2' }>): StoredCredential => ({
      kind: 'oauth2',
      provider: 'google',
      accessToken: 'ya29.x',
      ...extra,
    });
    expect(credentialAccount(oauth({ idToken: idToken('1001'), refreshToken: 'r1' }))).toBe(
      credentialAccount(oauth({ idToken: idToken('1001'), refreshToken: 'r2', accessToken: 'ya29.y' })),
    );
    expect(credentialAccount(oauth({ refreshToken: 'r1' }))).not.toBe(credentialAccount(oauth({ refreshToken: 'r2' })));
    expect(credentialAccount({ kind: 'token', token: 't' })).toBe(credentialAccount({ kind: 'token', token: 't' }));
    expect(credentialAccount(undefined)).toBeUndefined();
  });

  it('through the runtime: two Gmail sources on one credential sync against the twin under one budget key', async () => {
    const seed = seedGmail(12);
    seed.state.tokens.set('ya29.other-account', 'valid');
    const twin = await startGmailTwin(seed.state);
    cleanups.push(() => twin.close());
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-account-limiter-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const units = new Map<string, number>();
    const runtime = await openRuntime({
      dataDir: dir,
      env: {},
      connectors: [gmailConnector],
      syncIn: 'inline',
      limiterFor: (key, spec) => {
        const bucket = createTokenBucket(spec);
        return {
          acquire: (cost = 1, signal) => {
            units.set(key, (units.get(key) ?? 0) + cost);
            return bucket.acquire(cost, signal);
          },
          pauseFor: (ms) => bucket.pauseFor(ms),
        };
      },
    });
    cleanups.push(() => runtime.close());
    const add = (name: string, token: string) =>
      runtime.engine.sources.add({
        connector: 'gmail',
        name,
        config: { rootUrl: twin.rootUrl },
        credential: { kind: 'token', token },
      });
    const one = await add('mail-one', 'ya29.twin-token');
    const two = await add('mail-two', 'ya29.twin-token');
    const other = await add('mail-other', 'ya29.other-account');
    const runs = [];
    for (const s of [one, two, other]) runs.push(await runtime.engine.sync(s.id));
    expect(runs.map((r) => [r.status, r.created])).toEqual([
      ['succeeded', 12],
      ['succeeded', 12],
      ['succeeded', 12],
    ]);
    // One key for the shared account (both runs' units), another for the other account; none per source.
    expect(units.size).toBe(2);
    const [shared, single] = [...units.entries()].sort((x, y) => y[1] - x[1]);
    expect(shared![0]).toMatch(/^gmail:account:token:/);
    expect(single![0]).toMatch(/^gmail:account:token:/);
    expect(shared![1]).toBe(2 * single![1]);
  });
});
