import { TributaryError } from '@tributary/sdk';

/** How the client authenticates at the token endpoint (RFC 6749 §2.3). */
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

/** One OAuth 2.0 provider: its real endpoints, least-privilege default scopes and quirks. */
export interface OAuthProviderDefinition {
  name: string;
  title: string;
  /** The authorization server's issuer identifier (checked against an `iss` response parameter, RFC 9207). */
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  /** RFC 7009 revocation endpoint, when the provider has one. */
  revocationEndpoint?: string;
  /** Send a PKCE S256 challenge. */
  pkce: boolean;
  /** Default scopes (least privilege for what Tributary reads). Slack: bot scopes. */
  scopes: string[];
  /** Slack only: user-token scopes, sent as `user_scope`. */
  userScopes?: string[];
  /** @default ' ' */
  scopeSeparator?: ' ' | ',';
  /** Whether each refresh returns a new refresh token and invalidates the old one. */
  rotatesRefreshTokens: boolean;
  clientAuthMethod: ClientAuthMethod;
  /** Env var prefix: `<PREFIX>_CLIENT_ID`, `<PREFIX>_CLIENT_SECRET`. */
  envPrefix: string;
  /** Extra authorization request parameters (offline access, audience, consent prompt). */
  authorizationParams?: Record<string, string>;
  /** The provider always sends `iss` in the authorization response (RFC 9207), so its absence is an attack. */
  issParameterSupported?: boolean;
  /** Where to register an app. */
  consoleUrl: string;
}

/** Built-in providers. Endpoints from each provider's OAuth documentation (see docs/credentials.md). */
export const OAUTH_PROVIDERS: Readonly<Record<string, OAuthProviderDefinition>> = {
  google: {
    name: 'google',
    title: 'Google (Gmail, Drive, Calendar)',
    issuer: 'https://accounts.google.com',
    authorizationEndpoint: 'https://accounts.google.com/o/oauth2/v2/auth',
    tokenEndpoint: 'https://oauth2.googleapis.com/token',
    revocationEndpoint: 'https://oauth2.googleapis.com/revoke',
    pkce: true,
    scopes: [
      'https://www.googleapis.com/auth/gmail.readonly',
      'https://www.googleapis.com/auth/drive.readonly',
      'https://www.googleapis.com/auth/calendar.readonly',
    ],
    rotatesRefreshTokens: false,
    clientAuthMethod: 'client_secret_post',
    envPrefix: 'GOOGLE',
    // A refresh token is only issued with access_type=offline; prompt=consent issues one on reconnect too.
    authorizationParams: { access_type: 'offline', prompt: 'consent', include_granted_scopes: 'true' },
    consoleUrl: 'https://console.cloud.google.com/apis/credentials',
  },
  slack: {
    name: 'slack',
    title: 'Slack',
    issuer: 'https://slack.com',
    authorizationEndpoint: 'https://slack.com/oauth/v2/authorize',
    tokenEndpoint: 'https://slack.com/api/oauth.v2.access',
    // auth.revoke takes the token as a form field like RFC 7009 and answers {"ok":true,"revoked":true}.
    revocationEndpoint: 'https://slack.com/api/auth.revoke',
    pkce: false,
    scopes: ['channels:history', 'channels:read', 'groups:history', 'groups:read', 'users:read'],
    userScopes: [
      'channels:history',
      'groups:history',
      'im:history',
      'mpim:history',
      'channels:read',
      'groups:read',
      'im:read',
      'mpim:read',
      'users:read',
    ],
    scopeSeparator: ',',
    // Only when token rotation is turned on for the app; otherwise tokens never expire and no refresh token is sent.
    rotatesRefreshTokens: true,
    clientAuthMethod: 'client_secret_post',
    envPrefix: 'SLACK',
    consoleUrl: 'https://api.slack.com/apps',
  },
  github: {
    name: 'github',
    title: 'GitHub',
    issuer: 'https://github.com/login/oauth',
    authorizationEndpoint: 'https://github.com/login/oauth/authorize',
    tokenEndpoint: 'https://github.com/login/oauth/access_token',
    // GitHub revokes with DELETE /applications/{client_id}/grant (not RFC 7009): users revoke in their settings.
    pkce: true,
    // OAuth apps have no read-only repository scope; a GitHub App with read permissions is narrower.
    scopes: ['read:user', 'read:org', 'repo'],
    // GitHub App user tokens expire (8 h) and rotate their refresh token; OAuth app tokens do not expire.
    rotatesRefreshTokens: true,
    clientAuthMethod: 'client_secret_post',
    envPrefix: 'GITHUB',
    consoleUrl: 'https://github.com/settings/developers',
  },
  gitlab: {
    name: 'gitlab',
    title: 'GitLab',
    issuer: 'https://gitlab.com',
    authorizationEndpoint: 'https://gitlab.com/oauth/authorize',
    tokenEndpoint: 'https://gitlab.com/oauth/token',
    revocationEndpoint: 'https://gitlab.com/oauth/revoke',
    pkce: true,
    // read_api is read-only access to the API (projects, issues, merge requests, notes, commits, wikis).
    scopes: ['read_api', 'read_user'],
    // GitLab access tokens expire after 2 h and each refresh issues a new refresh token.
    rotatesRefreshTokens: true,
    clientAuthMethod: 'client_secret_post',
    envPrefix: 'GITLAB',
    consoleUrl: 'https://gitlab.com/-/user_settings/applications',
  },
  notion: {
    name: 'notion',
    title: 'Notion',
    issuer: 'https://api.notion.com',
    authorizationEndpoint: 'https://api.notion.com/v1/oauth/authorize',
    tokenEndpoint: 'https://api.notion.com/v1/oauth/token',
    revocationEndpoint: 'https://api.notion.com/v1/oauth/revoke',
    pkce: false,
    // Notion has no OAuth scopes: the integration's capabilities (set to "Read content") decide.
    scopes: [],
    rotatesRefreshTokens: true,
    clientAuthMethod: 'client_secret_basic',
    envPrefix: 'NOTION',
    authorizationParams: { owner: 'user' },
    consoleUrl: 'https://www.notion.so/profile/integrations',
  },
  microsoft: {
    name: 'microsoft',
    title: 'Microsoft (Graph, OneDrive)',
    issuer: 'https://login.microsoftonline.com/common/v2.0',
    authorizationEndpoint: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
    tokenEndpoint: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
    // Microsoft identity platform has no RFC 7009 endpoint (Graph's revokeSignInSessions revokes everything).
    pkce: true,
    scopes: ['offline_access', 'User.Read', 'Files.Read'],
    rotatesRefreshTokens: true,
    clientAuthMethod: 'client_secret_post',
    envPrefix: 'MICROSOFT',
    consoleUrl: 'https://entra.microsoft.com/#view/Microsoft_AAD_RegisteredApps/ApplicationsListBlade',
  },
  atlassian: {
    name: 'atlassian',
    title: 'Atlassian (Jira, Confluence)',
    issuer: 'https://auth.atlassian.com',
    authorizationEndpoint: 'https://auth.atlassian.com/authorize',
    tokenEndpoint: 'https://auth.atlassian.com/oauth/token',
    pkce: false,
    scopes: [
      'read:jira-work',
      'read:jira-user',
      'read:confluence-content.all',
      'read:confluence-space.summary',
      'offline_access',
    ],
    rotatesRefreshTokens: true,
    clientAuthMethod: 'client_secret_post',
    envPrefix: 'ATLASSIAN',
    authorizationParams: { audience: 'api.atlassian.com', prompt: 'consent' },
    consoleUrl: 'https://developer.atlassian.com/console/myapps/',
  },
  x: {
    name: 'x',
    title: 'X (Twitter)',
    issuer: 'https://x.com',
    authorizationEndpoint: 'https://x.com/i/oauth2/authorize',
    tokenEndpoint: 'https://api.x.com/2/oauth2/token',
    revocationEndpoint: 'https://api.x.com/2/oauth2/revoke',
    // X requires PKCE on every authorization request.
    pkce: true,
    scopes: ['tweet.read', 'users.read', 'offline.access'],
    rotatesRefreshTokens: true,
    clientAuthMethod: 'client_secret_basic',
    envPrefix: 'X',
    consoleUrl: 'https://developer.x.com/en/portal/projects-and-apps',
  },
  linkedin: {
    name: 'linkedin',
    title: 'LinkedIn',
    issuer: 'https://www.linkedin.com/oauth',
    authorizationEndpoint: 'https://www.linkedin.com/oauth/v2/authorization',
    tokenEndpoint: 'https://www.linkedin.com/oauth/v2/accessToken',
    revocationEndpoint: 'https://www.linkedin.com/oauth/v2/revoke',
    pkce: false,
    scopes: ['openid', 'profile', 'email'],
    // Refresh tokens only for approved partner programs; they do not rotate.
    rotatesRefreshTokens: false,
    clientAuthMethod: 'client_secret_post',
    envPrefix: 'LINKEDIN',
    consoleUrl: 'https://www.linkedin.com/developers/apps',
  },
  discord: {
    name: 'discord',
    title: 'Discord',
    issuer: 'https://discord.com',
    authorizationEndpoint: 'https://discord.com/oauth2/authorize',
    tokenEndpoint: 'https://discord.com/api/oauth2/token',
    revocationEndpoint: 'https://discord.com/api/oauth2/token/revoke',
    pkce: false,
    scopes: ['identify', 'guilds'],
    rotatesRefreshTokens: true,
    clientAuthMethod: 'client_secret_post',
    envPrefix: 'DISCORD',
    consoleUrl: 'https://discord.com/developers/applications',
  },
};

/** A client registration at a provider. */
export interface OAuthClientCredentials {
  clientId: string;
  clientSecret?: string;
}

/**
 * Finds the client id/secret for a provider: explicit config first, then `<PREFIX>_CLIENT_ID` /
 * `<PREFIX>_CLIENT_SECRET` from the env object the caller passes.
 * @throws TributaryError `invalid_config` naming the variables to set
 */
export function resolveClientCredentials(
  provider: OAuthProviderDefinition,
  env: Record<string, string | undefined>,
  configured?: OAuthClientCredentials,
): OAuthClientCredentials {
  const clientId = configured?.clientId ?? env[`${provider.envPrefix}_CLIENT_ID`];
  const clientSecret = configured?.clientSecret ?? env[`${provider.envPrefix}_CLIENT_SECRET`];
  const needsSecret = provider.clientAuthMethod !== 'none';
  if (!clientId || (needsSecret && !clientSecret)) {
    throw new TributaryError(
      'invalid_config',
      `No OAuth app is configured for ${provider.title}. Register one at ${provider.consoleUrl} and set ` +
        `${provider.envPrefix}_CLIENT_ID${needsSecret ? ` and ${provider.envPrefix}_CLIENT_SECRET` : ''} (see docs/credentials.md).`,
    );
  }
  return { clientId, ...(clientSecret ? { clientSecret } : {}) };
}

/** Looks a provider up. @throws TributaryError `not_found` listing the known ones */
export function getProvider(
  providers: Readonly<Record<string, OAuthProviderDefinition>>,
  name: string,
): OAuthProviderDefinition {
  const provider = Object.hasOwn(providers, name) ? providers[name] : undefined;
  if (!provider) {
    throw new TributaryError(
      'not_found',
      `Unknown OAuth provider "${name}". Known providers: ${Object.keys(providers).sort().join(', ')}.`,
    );
  }
  return provider;
}
