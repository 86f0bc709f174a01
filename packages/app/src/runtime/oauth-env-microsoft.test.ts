import { describe, expect, it } from 'vitest';
import { OAUTH_PROVIDERS } from '@tributary/engine';
import { connectTarget, providersFromEnv } from './oauth-env.js';
import { onedriveManifest } from '@tributary/connectors/onedrive/manifest';

describe('Microsoft identity platform tenant (MICROSOFT_TENANT)', () => {
  it('uses the tenant endpoints when set, the built-in common endpoints when not', () => {
    expect(providersFromEnv({}).providers.microsoft).toBeUndefined();
    expect(OAUTH_PROVIDERS.microsoft!.tokenEndpoint).toBe('https://login.microsoftonline.com/common/oauth2/v2.0/token');
    const t = providersFromEnv({ MICROSOFT_TENANT: 'contoso.onmicrosoft.com' }).providers.microsoft!;
    expect(t).toMatchObject({
      issuer: 'https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0',
      authorizationEndpoint: 'https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize',
      tokenEndpoint: 'https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token',
      pkce: true,
      envPrefix: 'MICROSOFT',
    });
    const guid = '72f988bf-86f1-41af-91ab-2d7cd011db47';
    expect(providersFromEnv({ MICROSOFT_TENANT: guid }).providers.microsoft!.tokenEndpoint).toContain(`/${guid}/`);
  });

  it('refuses a tenant that is not an id or a domain (it becomes part of a URL)', () => {
    for (const bad of ['../evil', 'a/b', 'x?y=1', 'tenant#frag'])
      expect(() => providersFromEnv({ MICROSOFT_TENANT: bad })).toThrow(/MICROSOFT_TENANT/);
  });

  it('asks for the onedrive manifest scopes (Files.Read.All offline_access) from the microsoft provider', () => {
    expect(connectTarget(onedriveManifest.auth, 'onedrive')).toEqual({
      provider: 'microsoft',
      scopes: ['Files.Read.All', 'offline_access'],
    });
  });
});
