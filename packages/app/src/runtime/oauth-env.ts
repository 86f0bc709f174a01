import { z } from 'zod';
import {
  createOAuthClients,
  OAUTH_PROVIDERS,
  type OAuthClients,
  type OAuthProviderDefinition,
} from '@tributary/engine';
import { TributaryError } from '@tributary/sdk';

/** The env variable that adds or overrides OAuth providers (self-hosted IdPs, tests). */
export const OAUTH_PROVIDERS_ENV = 'TRIBUTARY_OAUTH_PROVIDERS_JSON';

const url = z.string().url();
const ProviderOverride = z
  .object({
    /** Ignored: the key names the provider (accepted so a whole provider definition can be pasted). */
    name: z.string().optional(),
    title: z.string().optional(),
    issuer: z.string().optional(),
    authorizationEndpoint: url.optional(),
    tokenEndpoint: url.optional(),
    revocationEndpoint: url.optional(),
    pkce: z.boolean().optional(),
    scopes: z.array(z.string()).optional(),
    userScopes: z.array(z.string()).optional(),
    scopeSeparator: z.enum([' ', ',']).optional(),
    rotatesRefreshTokens: z.boolean().optional(),
    clientAuthMethod: z.enum(['client_secret_basic', 'client_secret_post', 'none']).optional(),
    envPrefix: z
      .string()
      .regex(/^[A-Z][A-Z0-9_]*$/)
      .optional(),
    authorizationParams: z.record(z.string(), z.string()).optional(),
    issParameterSupported: z.boolean().optional(),
    consoleUrl: z.string().optional(),
  })
  .strict();
const Overrides = z.record(z.string().regex(/^[a-z][a-z0-9-]*$/), ProviderOverride);

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Parses `TRIBUTARY_OAUTH_PROVIDERS_JSON`: `{ "<name>": { …provider fields } }`. An entry for a built-in provider
 * changes only the fields it names (point `google` at a proxy); a new name needs the endpoints. Plain `http://`
 * endpoints are accepted on loopback addresses only (a local IdP), nowhere else.
 * @throws TributaryError `invalid_config` naming the bad field
 */
export function providersFromEnv(env: Record<string, string | undefined>): {
  providers: Record<string, OAuthProviderDefinition>;
  insecureLoopback: boolean;
} {
  const raw = env[OAUTH_PROVIDERS_ENV];
  const tenant = microsoftTenant(env);
  if (!raw) return { providers: tenant ? { microsoft: tenant } : {}, insecureLoopback: false };
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new TributaryError('invalid_config', `${OAUTH_PROVIDERS_ENV} is not valid JSON.`);
  }
  const parsed = Overrides.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TributaryError(
      'invalid_config',
      `${OAUTH_PROVIDERS_ENV}: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'} (see docs/credentials.md).`,
    );
  }
  const providers: Record<string, OAuthProviderDefinition> = {};
  let insecureLoopback = false;
  for (const [name, override] of Object.entries(parsed.data)) {
    const base = Object.hasOwn(OAUTH_PROVIDERS, name) ? OAUTH_PROVIDERS[name] : undefined;
    if (!base && (!override.authorizationEndpoint || !override.tokenEndpoint)) {
      throw new TributaryError(
        'invalid_config',
        `${OAUTH_PROVIDERS_ENV}: provider "${name}" is not built in; give at least authorizationEndpoint and tokenEndpoint.`,
      );
    }
    const authorizationEndpoint = override.authorizationEndpoint ?? base!.authorizationEndpoint;
    const def: OAuthProviderDefinition = {
      name,
      title: override.title ?? base?.title ?? name,
      issuer: override.issuer ?? base?.issuer ?? new URL(authorizationEndpoint).origin,
      authorizationEndpoint,
      tokenEndpoint: override.tokenEndpoint ?? base!.tokenEndpoint,
      pkce: override.pkce ?? base?.pkce ?? true,
      scopes: override.scopes ?? base?.scopes ?? [],
      rotatesRefreshTokens: override.rotatesRefreshTokens ?? base?.rotatesRefreshTokens ?? false,
      clientAuthMethod: override.clientAuthMethod ?? base?.clientAuthMethod ?? 'client_secret_basic',
      envPrefix: override.envPrefix ?? base?.envPrefix ?? name.toUpperCase().replace(/-/g, '_'),
      consoleUrl: override.consoleUrl ?? base?.consoleUrl ?? authorizationEndpoint,
    };
    const revocation = override.revocationEndpoint ?? base?.revocationEndpoint;
    if (revocation) def.revocationEndpoint = revocation;
    const userScopes = override.userScopes ?? base?.userScopes;
    if (userScopes?.length) def.userScopes = userScopes;
    const sep = override.scopeSeparator ?? base?.scopeSeparator;
    if (sep) def.scopeSeparator = sep;
    const params = override.authorizationParams ?? base?.authorizationParams;
    if (params) def.authorizationParams = params;
    const iss = override.issParameterSupported ?? base?.issParameterSupported;
    if (iss !== undefined) def.issParameterSupported = iss;
    for (const endpoint of [def.authorizationEndpoint, def.tokenEndpoint, def.revocationEndpoint]) {
      if (!endpoint) continue;
      const u = new URL(endpoint);
      if (u.protocol === 'https:') continue;
      if (u.protocol === 'http:' && LOOPBACK.has(u.hostname)) {
        insecureLoopback = true;
        continue;
      }
      throw new TributaryError(
        'invalid_config',
        `${OAUTH_PROVIDERS_ENV}: provider "${name}" endpoint ${u.origin} must use https (http only on a loopback address).`,
      );
    }
    providers[name] = def;
  }
  if (tenant && !parsed.data.microsoft) providers.microsoft = tenant;
  return { providers, insecureLoopback };
}

/** The env variable that names the Microsoft Entra tenant to sign in against (default `common`). */
export const MICROSOFT_TENANT_ENV = 'MICROSOFT_TENANT';

/**
 * `MICROSOFT_TENANT`: a tenant id (GUID), a verified domain, or `common` / `organizations` / `consumers`. A
 * single-tenant app registration must use its own tenant's endpoints (login.microsoftonline.com/<tenant>/…).
 * @throws TributaryError `invalid_config` for anything else (it becomes part of a URL)
 */
function microsoftTenant(env: Record<string, string | undefined>): OAuthProviderDefinition | undefined {
  const tenant = env[MICROSOFT_TENANT_ENV]?.trim();
  if (!tenant || tenant === 'common') return undefined;
  if (!/^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$/.test(tenant))
    throw new TributaryError(
      'invalid_config',
      `${MICROSOFT_TENANT_ENV}="${tenant}" is not a tenant id, a domain, or common/organizations/consumers.`,
    );
  const base = `https://login.microsoftonline.com/${tenant}`;
  return {
    ...OAUTH_PROVIDERS.microsoft!,
    issuer: `${base}/v2.0`,
    authorizationEndpoint: `${base}/oauth2/v2.0/authorize`,
    tokenEndpoint: `${base}/oauth2/v2.0/token`,
  };
}

/**
 * The OAuth protocol clients of a process: built-in providers (+ `TRIBUTARY_OAUTH_PROVIDERS_JSON`), client ids and
 * secrets from `<PREFIX>_CLIENT_ID` / `_CLIENT_SECRET` in `env`.
 */
export function oauthClientsFromEnv(env: Record<string, string | undefined>): OAuthClients {
  const { providers, insecureLoopback } = providersFromEnv(env);
  // Only http endpoints on loopback reach this; every built-in provider is https either way.
  return createOAuthClients({ env, providers, allowInsecureRequests: insecureLoopback });
}

/** The public origin the provider redirects back to: `TRIBUTARY_PUBLIC_URL` (without a trailing slash), if set. */
export function publicUrlFromEnv(env: Record<string, string | undefined>): string | undefined {
  const raw = env.TRIBUTARY_PUBLIC_URL?.trim();
  if (!raw) return undefined;
  try {
    const u = new URL(raw);
    return `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
  } catch {
    throw new TributaryError(
      'invalid_config',
      `TRIBUTARY_PUBLIC_URL="${raw}" is not an absolute URL (e.g. https://tributary.example.com).`,
    );
  }
}

/**
 * Which provider a source connects to, and with which scopes: `requested` (a `--provider` flag / `?provider`), else
 * the connector manifest's `auth.provider`. The manifest's scopes are asked for only from its own provider, plus the
 * `featureScopes` of the features on in `features` (the source's effective feature states).
 * @throws TributaryError `invalid_input` when the connector does not connect with OAuth and no provider was named
 */
export function connectTarget(
  auth: { type: string; provider?: string; scopes?: string[]; featureScopes?: Record<string, string[]> } | undefined,
  connectorName: string,
  requested?: string,
  features?: Record<string, boolean>,
): { provider: string; scopes?: string[] } {
  const own = auth?.type === 'oauth2' ? auth.provider : undefined;
  const provider = requested ?? own;
  if (!provider) {
    throw new TributaryError(
      'invalid_input',
      `Connector "${connectorName}" does not connect with OAuth (its auth is "${auth?.type ?? 'none'}"); name a provider explicitly or store a token instead.`,
    );
  }
  const extra = Object.entries(auth?.featureScopes ?? {}).flatMap(([f, s]) => (features?.[f] ? s : []));
  const all = [...new Set([...(auth?.scopes ?? []), ...extra])];
  const scopes = provider === own && all.length ? all : undefined;
  return { provider, ...(scopes ? { scopes } : {}) };
}
