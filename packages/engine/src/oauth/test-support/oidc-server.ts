import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';
import type { OAuthProviderDefinition } from '../providers.js';

export const TEST_CLIENT_ID = 'tributary-test';
export const TEST_CLIENT_SECRET = 'test-client-secret-3c1d8f0a9b7e';
export const TEST_ACCOUNT = 'account-1';

/** A real OAuth 2.0 / OIDC server (oidc-provider) on loopback, auto-approving login and consent. */
export interface TestOidcServer {
  issuer: string;
  redirectUri: string;
  /** A provider definition pointing at this server. */
  provider: OAuthProviderDefinition;
  /** Token endpoint requests counted at the server: every POST /token (`total`), and handled grants by type. */
  tokenRequests: { total: number; authorization_code: number; refresh_token: number; other: number };
  /** Server events: refresh tokens consumed (by jti), grant errors, revocations. */
  events: { refreshConsumed: string[]; grantErrors: string[]; revoked: number };
  /** Follows the authorization URL through login and consent; returns the callback URL's query. */
  authorize(url: string): Promise<URLSearchParams>;
  close(): Promise<void>;
}

export interface OidcServerOptions {
  accessTokenTtlSeconds?: number;
  /**
   * Extra redirect paths on `http://127.0.0.1` accepted on ANY port (the client becomes a native app, RFC 8252 §7.3):
   * for servers and CLIs that listen on port 0, e.g. `/api/v1/oauth/testidp/callback`, `/callback`.
   */
  loopbackRedirectPaths?: string[];
}

export async function startOidcServer(options: OidcServerOptions = {}): Promise<TestOidcServer> {
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end();
  const tokenRequests = { total: 0, authorization_code: 0, refresh_token: 0, other: 0 };
  const server: Server = createServer((req, res) => {
    if (req.method === 'POST' && new URL(req.url ?? '/', 'http://x').pathname === '/token') tokenRequests.total++;
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const issuer = `http://127.0.0.1:${port}`;
  const redirectUri = `http://127.0.0.1:${port}/app/callback`;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), alg: 'RS256', use: 'sig', kid: 'test-key' };

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: TEST_CLIENT_ID,
        client_secret: TEST_CLIENT_SECRET,
        redirect_uris: [redirectUri, ...(options.loopbackRedirectPaths ?? []).map((p) => `http://127.0.0.1${p}`)],
        ...(options.loopbackRedirectPaths?.length ? { application_type: 'native' } : {}),
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [jwk] },
    findAccount: (_ctx: unknown, id: string) => ({ accountId: id, claims: () => ({ sub: id }) }),
    features: { devInteractions: { enabled: false }, revocation: { enabled: true } },
    pkce: { required: () => true },
    rotateRefreshToken: true,
    issueRefreshToken: (_ctx: unknown, client: any) => client.grantTypeAllowed('refresh_token'),
    ttl: {
      AccessToken: options.accessTokenTtlSeconds ?? 3600,
      AuthorizationCode: 60,
      RefreshToken: 86_400,
      Grant: 86_400,
      Interaction: 600,
      Session: 86_400,
    },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
  });
  const events = { refreshConsumed: [] as string[], grantErrors: [] as string[], revoked: 0 };
  provider.on('refresh_token.consumed', (token: { jti: string }) => events.refreshConsumed.push(token.jti));
  const countGrant = (ctx: any): void => {
    const grant: unknown = ctx?.oidc?.params?.grant_type;
    if (grant === 'authorization_code' || grant === 'refresh_token') tokenRequests[grant]++;
    else tokenRequests.other++;
  };
  provider.on('grant.success', countGrant);
  provider.on('grant.error', (ctx: unknown, err: { error?: string; message: string }) => {
    countGrant(ctx);
    events.grantErrors.push(err.error ?? err.message);
  });
  provider.on('grant.revoked', () => events.revoked++);
  provider.on('server_error', (_ctx: unknown, err: Error) => console.error('oidc-provider server_error', err));

  const callback = provider.callback();
  handler = (req, res) => {
    if (req.url?.startsWith('/interaction/')) {
      approve(provider, req, res).catch((err: unknown) => {
        res.statusCode = 500;
        res.end(String(err));
      });
      return;
    }
    callback(req, res);
  };

  return {
    issuer,
    redirectUri,
    tokenRequests,
    events,
    provider: {
      name: 'testidp',
      title: 'Test IdP',
      issuer,
      authorizationEndpoint: `${issuer}/auth`,
      tokenEndpoint: `${issuer}/token`,
      revocationEndpoint: `${issuer}/token/revocation`,
      pkce: true,
      scopes: ['openid', 'offline_access'],
      rotatesRefreshTokens: true,
      clientAuthMethod: 'client_secret_basic',
      envPrefix: 'TESTIDP',
      authorizationParams: { prompt: 'consent' },
      issParameterSupported: true,
      consoleUrl: issuer,
    },
    authorize: (url) => followToCallback(url, redirectUri),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Auto-approves: login as TEST_ACCOUNT, then grant every requested scope. */
async function approve(provider: any, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  if (details.prompt.name === 'login') {
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: TEST_ACCOUNT } },
      { mergeWithLastSubmission: false },
    );
    return;
  }
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
  const missing = details.prompt.details;
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {}))
    grant.addResourceScope(indicator, (scopes as string[]).join(' '));
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

/** A browser in miniature: follows redirects, keeps cookies, stops at the redirect URI. */
async function followToCallback(start: string, redirectUri: string): Promise<URLSearchParams> {
  const jar = new Map<string, string>();
  let url = start;
  for (let hop = 0; hop < 20; hop++) {
    if (url.startsWith(redirectUri)) return new URL(url).searchParams;
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      jar.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
    }
    const location = res.headers.get('location');
    await res.body?.cancel();
    if (!location) throw new Error(`authorization stopped at ${url} with HTTP ${res.status}`);
    url = new URL(location, url).href;
  }
  throw new Error('too many redirects during authorization');
}
