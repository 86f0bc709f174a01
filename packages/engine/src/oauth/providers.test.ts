import { describe, expect, it } from 'vitest';
import { TributaryError } from '@tributary/sdk';
import { createOAuthClients } from './oauth-client.js';
import { normalizingFetch } from './provider-quirks.js';
import { OAUTH_PROVIDERS, resolveClientCredentials } from './providers.js';

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });

describe('provider registry', () => {
  it('has every provider the connectors need, on https, with distinct env prefixes', () => {
    expect(Object.keys(OAUTH_PROVIDERS).sort()).toEqual([
      'atlassian',
      'discord',
      'github',
      'gitlab',
      'google',
      'linkedin',
      'microsoft',
      'notion',
      'slack',
      'x',
    ]);
    for (const p of Object.values(OAUTH_PROVIDERS)) {
      for (const url of [p.authorizationEndpoint, p.tokenEndpoint, p.revocationEndpoint].filter(Boolean))
        expect(new URL(url!).protocol).toBe('https:');
    }
    expect(new Set(Object.values(OAUTH_PROVIDERS).map((p) => p.envPrefix)).size).toBe(
      Object.keys(OAUTH_PROVIDERS).length,
    );
    expect(OAUTH_PROVIDERS.x!.pkce).toBe(true);
    expect(OAUTH_PROVIDERS.atlassian!.authorizationParams?.audience).toBe('api.atlassian.com');
    expect(OAUTH_PROVIDERS.microsoft!.scopes).toEqual(expect.arrayContaining(['Files.Read', 'offline_access']));
  });

  it('reads client credentials from the env object it is given', () => {
    expect(
      resolveClientCredentials(OAUTH_PROVIDERS.google!, { GOOGLE_CLIENT_ID: 'id', GOOGLE_CLIENT_SECRET: 'secret' }),
    ).toEqual({ clientId: 'id', clientSecret: 'secret' });
    expect(() => resolveClientCredentials(OAUTH_PROVIDERS.slack!, { SLACK_CLIENT_ID: 'id' })).toThrow(
      /SLACK_CLIENT_SECRET/,
    );
  });

  it('builds authorization URLs with the provider quirks (Slack user_scope, Google offline access, PKCE only where supported)', () => {
    const clients = createOAuthClients({
      env: { SLACK_CLIENT_ID: 's', SLACK_CLIENT_SECRET: 'x', GOOGLE_CLIENT_ID: 'g', GOOGLE_CLIENT_SECRET: 'y' },
    });
    const slack = clients.authorizationUrl('slack', {
      redirectUri: 'http://127.0.0.1:3099/api/v1/oauth/slack/callback',
      state: 'st',
      codeChallenge: 'cc',
    });
    expect(slack.searchParams.get('scope')).toBe(OAUTH_PROVIDERS.slack!.scopes.join(','));
    expect(slack.searchParams.get('user_scope')).toContain('im:history');
    expect(slack.searchParams.has('code_challenge')).toBe(false);
    const google = clients.authorizationUrl('google', {
      redirectUri: 'http://127.0.0.1:3099/api/v1/oauth/google/callback',
      state: 'st',
      codeChallenge: 'cc',
    });
    expect(google.searchParams.get('access_type')).toBe('offline');
    expect(google.searchParams.get('code_challenge_method')).toBe('S256');
    expect(google.searchParams.get('scope')).toContain('https://www.googleapis.com/auth/gmail.readonly');
  });
});

describe('token endpoint quirks', () => {
  it('turns a GitHub-style 200 error into an RFC 6749 error', async () => {
    const f = normalizingFetch(async () =>
      json({ error: 'bad_verification_code', error_description: 'The code passed is incorrect or expired.' }),
    );
    const res = await f('https://x/token', {});
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: 'invalid_grant',
      error_description: 'The code passed is incorrect or expired.',
    });
  });

  it("turns Slack's ok:false into an error and lifts a user-only token", async () => {
    const failed = await normalizingFetch(async () => json({ ok: false, error: 'invalid_refresh_token' }))(
      'https://x/token',
      {},
    );
    expect(failed.status).toBe(400);
    expect((await failed.json()).error).toBe('invalid_grant');
    const user = await normalizingFetch(async () =>
      json({
        ok: true,
        team: { id: 'T1' },
        authed_user: { id: 'U1', access_token: 'xoxp-1', token_type: 'user', scope: 'im:history' },
      }),
    )('https://x/token', {});
    expect(await user.json()).toMatchObject({
      access_token: 'xoxp-1',
      token_type: 'user',
      authed_user_id: 'U1',
      team_id: 'T1',
    });
  });

  it('maps invalid_grant on refresh to reauthorization_required (Slack answer through oauth4webapi)', async () => {
    const clients = createOAuthClients({
      env: { SLACK_CLIENT_ID: 's', SLACK_CLIENT_SECRET: 'x' },
      fetch: async () => json({ ok: false, error: 'invalid_refresh_token' }),
    });
    const err = await clients.refresh('slack', 'xoxe-1-old').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TributaryError);
    expect((err as TributaryError).code).toBe('reauthorization_required');
    expect(String((err as Error).message)).not.toContain('xoxe-1-old');
  });

  it('maps a 503 to a retryable upstream_unavailable and a Slack bot token answer to a token set', async () => {
    const down = createOAuthClients({
      env: { SLACK_CLIENT_ID: 's', SLACK_CLIENT_SECRET: 'x' },
      fetch: async () => new Response('busy', { status: 503 }),
    });
    const err = (await down.refresh('slack', 'r').catch((e: unknown) => e)) as TributaryError;
    expect(err.code).toBe('upstream_unavailable');
    expect(err.retryable).toBe(true);
    const ok = createOAuthClients({
      env: { SLACK_CLIENT_ID: 's', SLACK_CLIENT_SECRET: 'x' },
      fetch: async () =>
        json({
          ok: true,
          access_token: 'xoxb-new',
          token_type: 'bot',
          expires_in: 43200,
          refresh_token: 'xoxe-1-new',
          team: { id: 'T9' },
        }),
    });
    expect(await ok.refresh('slack', 'r')).toEqual({
      accessToken: 'xoxb-new',
      tokenType: 'bot',
      expiresIn: 43200,
      refreshToken: 'xoxe-1-new',
      extra: { team_id: 'T9' },
    });
  });
});
