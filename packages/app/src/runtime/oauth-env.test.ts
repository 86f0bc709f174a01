import { describe, expect, it } from 'vitest';
import { OAUTH_PROVIDERS } from '@tributary/engine';
import { TributaryError } from '@tributary/sdk';
import { connectTarget, oauthClientsFromEnv, providersFromEnv, publicUrlFromEnv } from './oauth-env.js';

const json = (v: unknown) => ({ TRIBUTARY_OAUTH_PROVIDERS_JSON: JSON.stringify(v) });

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TributaryError);
    return (err as TributaryError).code;
  }
  throw new Error('expected a throw');
}

describe('TRIBUTARY_OAUTH_PROVIDERS_JSON', () => {
  it('adds a provider on a loopback IdP (allowing http there only)', () => {
    const { providers, insecureLoopback } = providersFromEnv(
      json({
        corp: { authorizationEndpoint: 'http://127.0.0.1:9000/auth', tokenEndpoint: 'http://127.0.0.1:9000/token' },
      }),
    );
    expect(providers.corp).toMatchObject({
      name: 'corp',
      envPrefix: 'CORP',
      issuer: 'http://127.0.0.1:9000',
      pkce: true,
    });
    expect(insecureLoopback).toBe(true);
    const clients = oauthClientsFromEnv({
      ...json({ corp: providers.corp }),
      CORP_CLIENT_ID: 'id',
      CORP_CLIENT_SECRET: 's',
    });
    expect(clients.authorizationUrl('corp', { redirectUri: 'http://127.0.0.1/cb', state: 's' }).origin).toBe(
      'http://127.0.0.1:9000',
    );
  });

  it('overrides only the named fields of a built-in provider', () => {
    const { providers, insecureLoopback } = providersFromEnv(
      json({ google: { tokenEndpoint: 'https://proxy.example.com/token' } }),
    );
    expect(providers.google).toMatchObject({
      tokenEndpoint: 'https://proxy.example.com/token',
      authorizationEndpoint: OAUTH_PROVIDERS.google!.authorizationEndpoint,
      envPrefix: 'GOOGLE',
      authorizationParams: OAUTH_PROVIDERS.google!.authorizationParams,
    });
    expect(insecureLoopback).toBe(false);
  });

  it('refuses http off loopback, unknown fields, bad JSON, and a new provider without endpoints', () => {
    expect(
      code(() =>
        providersFromEnv(
          json({
            corp: { authorizationEndpoint: 'http://idp.example.com/a', tokenEndpoint: 'https://idp.example.com/t' },
          }),
        ),
      ),
    ).toBe('invalid_config');
    expect(code(() => providersFromEnv(json({ google: { tokenUrl: 'https://x' } })))).toBe('invalid_config');
    expect(code(() => providersFromEnv({ TRIBUTARY_OAUTH_PROVIDERS_JSON: '{' }))).toBe('invalid_config');
    expect(code(() => providersFromEnv(json({ corp: { tokenEndpoint: 'https://x/t' } })))).toBe('invalid_config');
  });
});

describe('connectTarget and TRIBUTARY_PUBLIC_URL', () => {
  it("defaults to the manifest's provider and asks for its scopes only there", () => {
    const auth = { type: 'oauth2', provider: 'slack', scopes: ['channels:history'] };
    expect(connectTarget(auth, 'slack')).toEqual({ provider: 'slack', scopes: ['channels:history'] });
    expect(connectTarget(auth, 'slack', 'testidp')).toEqual({ provider: 'testidp' });
    expect(code(() => connectTarget({ type: 'none' }, 'git'))).toBe('invalid_input');
  });

  it("adds a feature's scopes only while the feature is on (x: bookmarks → bookmark.read)", () => {
    const auth = {
      type: 'oauth2',
      provider: 'x',
      scopes: ['tweet.read', 'users.read', 'offline.access'],
      featureScopes: { bookmarks: ['bookmark.read'], likes: ['like.read'] },
    };
    expect(connectTarget(auth, 'x', undefined, { bookmarks: false, likes: false }).scopes).toEqual(auth.scopes);
    expect(connectTarget(auth, 'x', undefined, { bookmarks: true, likes: false }).scopes).toEqual([
      ...auth.scopes,
      'bookmark.read',
    ]);
    expect(connectTarget(auth, 'x', 'testidp', { bookmarks: true })).toEqual({ provider: 'testidp' });
  });

  it('normalizes the public URL', () => {
    expect(publicUrlFromEnv({ TRIBUTARY_PUBLIC_URL: 'https://t.example.com/' })).toBe('https://t.example.com');
    expect(publicUrlFromEnv({})).toBeUndefined();
    expect(code(() => publicUrlFromEnv({ TRIBUTARY_PUBLIC_URL: 'nope' }))).toBe('invalid_config');
  });
});
