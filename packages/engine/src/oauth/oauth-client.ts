import * as oauth from 'oauth4webapi';
import type { OAuthRefresher, OAuthTokenSet } from '../vault/types.js';
import { toOAuthError } from './oauth-errors.js';
import { normalizingFetch } from './provider-quirks.js';
import {
  OAUTH_PROVIDERS,
  getProvider,
  resolveClientCredentials,
  type OAuthClientCredentials,
  type OAuthProviderDefinition,
} from './providers.js';

export interface OAuthClientsOptions {
  /** Where `<PREFIX>_CLIENT_ID` / `_CLIENT_SECRET` are read from (the caller passes its env; nothing reads process.env). */
  env?: Record<string, string | undefined>;
  /** Client registrations by provider name (win over the env). */
  clients?: Record<string, OAuthClientCredentials>;
  /** Extra providers or overrides of built-in ones (tests point these at a local server). */
  providers?: Record<string, OAuthProviderDefinition>;
  /** Allows http:// endpoints. Tests against a loopback server only. @default false */
  allowInsecureRequests?: boolean;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Per-request timeout. @default 15_000 */
  timeoutMs?: number;
}

export interface AuthorizationRequest {
  redirectUri: string;
  state: string;
  /** PKCE S256 challenge (when the provider supports PKCE). */
  codeChallenge?: string;
  scopes?: string[];
}

/** The OAuth protocol per provider, over oauth4webapi. Knows nothing about storage. */
export interface OAuthClients extends OAuthRefresher {
  provider(name: string): OAuthProviderDefinition;
  /** Whether the provider's client id/secret are configured. */
  isConfigured(name: string): boolean;
  /** @throws TributaryError `invalid_config` naming the env vars to set */
  assertConfigured(name: string): void;
  authorizationUrl(provider: string, request: AuthorizationRequest): URL;
  /**
   * Validates the callback parameters (state, iss, error) and redeems the code.
   * @throws TributaryError `auth_invalid` (refused, bad code or verifier), `invalid_config`, `upstream_*`
   */
  exchangeCode(
    provider: string,
    callback: URLSearchParams,
    expected: { state: string; redirectUri: string; codeVerifier?: string },
  ): Promise<OAuthTokenSet>;
  /** RFC 7009 revocation. @returns false when the provider has no revocation endpoint */
  revoke(provider: string, token: string, hint: 'refresh_token' | 'access_token'): Promise<boolean>;
}

// Slack calls its token types "bot" and "user"; they are bearer tokens.
const recognizedTokenTypes = { bot: () => undefined, user: () => undefined };

/** Creates the OAuth protocol client for every known provider. */
export function createOAuthClients(options: OAuthClientsOptions = {}): OAuthClients {
  const providers: Record<string, OAuthProviderDefinition> = { ...OAUTH_PROVIDERS, ...options.providers };
  const env = options.env ?? {};
  const baseFetch = options.fetch ?? globalThis.fetch;

  const setup = (name: string) => {
    const def = getProvider(providers, name);
    const creds = resolveClientCredentials(def, env, options.clients?.[name]);
    const as: oauth.AuthorizationServer = {
      issuer: def.issuer,
      authorization_endpoint: def.authorizationEndpoint,
      token_endpoint: def.tokenEndpoint,
      ...(def.revocationEndpoint ? { revocation_endpoint: def.revocationEndpoint } : {}),
      ...(def.issParameterSupported ? { authorization_response_iss_parameter_supported: true } : {}),
    };
    const client: oauth.Client = { client_id: creds.clientId };
    const auth =
      def.clientAuthMethod === 'none'
        ? oauth.None()
        : def.clientAuthMethod === 'client_secret_basic'
          ? oauth.ClientSecretBasic(creds.clientSecret!)
          : oauth.ClientSecretPost(creds.clientSecret!);
    const requestOptions = () => ({
      [oauth.customFetch]: normalizingFetch(baseFetch),
      ...(options.allowInsecureRequests ? { [oauth.allowInsecureRequests]: true } : {}),
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
    return { def, as, client, auth, requestOptions };
  };

  const toTokenSet = (json: oauth.TokenEndpointResponse): OAuthTokenSet => {
    const extra: Record<string, string> = {};
    // Keep identifiers that connectors need (Slack's team and user ids, Notion's workspace); never tokens.
    const raw = json as Record<string, unknown>;
    for (const key of ['team_id', 'workspace_id', 'workspace_name', 'bot_id', 'authed_user_id', 'instance_url']) {
      if (typeof raw[key] === 'string') extra[key] = raw[key];
    }
    return {
      accessToken: json.access_token,
      tokenType: json.token_type,
      ...(typeof json.expires_in === 'number' ? { expiresIn: json.expires_in } : {}),
      ...(typeof json.scope === 'string' ? { scope: json.scope } : {}),
      ...(typeof json.refresh_token === 'string' ? { refreshToken: json.refresh_token } : {}),
      ...(typeof json.id_token === 'string' ? { idToken: json.id_token } : {}),
      ...(Object.keys(extra).length ? { extra } : {}),
    };
  };

  return {
    provider: (name) => getProvider(providers, name),
    isConfigured(name) {
      try {
        resolveClientCredentials(getProvider(providers, name), env, options.clients?.[name]);
        return true;
      } catch {
        return false;
      }
    },
    assertConfigured(name) {
      resolveClientCredentials(getProvider(providers, name), env, options.clients?.[name]);
    },
    authorizationUrl(name, request) {
      const { def, client } = setup(name);
      const url = new URL(def.authorizationEndpoint);
      const sep = def.scopeSeparator ?? ' ';
      const scopes = request.scopes ?? def.scopes;
      url.searchParams.set('client_id', client.client_id);
      url.searchParams.set('redirect_uri', request.redirectUri);
      url.searchParams.set('response_type', 'code');
      if (scopes.length > 0) url.searchParams.set('scope', scopes.join(sep));
      if (def.userScopes?.length) url.searchParams.set('user_scope', def.userScopes.join(sep));
      url.searchParams.set('state', request.state);
      if (def.pkce && request.codeChallenge) {
        url.searchParams.set('code_challenge', request.codeChallenge);
        url.searchParams.set('code_challenge_method', 'S256');
      }
      for (const [k, v] of Object.entries(def.authorizationParams ?? {})) url.searchParams.set(k, v);
      return url;
    },
    async exchangeCode(name, callback, expected) {
      const { as, client, auth, requestOptions } = setup(name);
      try {
        const params = oauth.validateAuthResponse(as, client, callback, expected.state);
        const response = await oauth.authorizationCodeGrantRequest(
          as,
          client,
          auth,
          params,
          expected.redirectUri,
          expected.codeVerifier ?? oauth.nopkce,
          requestOptions(),
        );
        return toTokenSet(await oauth.processAuthorizationCodeResponse(as, client, response, { recognizedTokenTypes }));
      } catch (err) {
        throw toOAuthError(err, name, 'code_exchange');
      }
    },
    async refresh(name, refreshToken) {
      const { as, client, auth, requestOptions } = setup(name);
      try {
        const response = await oauth.refreshTokenGrantRequest(as, client, auth, refreshToken, requestOptions());
        return toTokenSet(await oauth.processRefreshTokenResponse(as, client, response, { recognizedTokenTypes }));
      } catch (err) {
        throw toOAuthError(err, name, 'refresh');
      }
    },
    async revoke(name, token, hint) {
      const { as, client, auth, requestOptions } = setup(name);
      if (!as.revocation_endpoint) return false;
      try {
        const response = await oauth.revocationRequest(as, client, auth, token, {
          ...requestOptions(),
          additionalParameters: { token_type_hint: hint },
        });
        await oauth.processRevocationResponse(response);
        return true;
      } catch (err) {
        throw toOAuthError(err, name, 'revocation');
      }
    },
  };
}
