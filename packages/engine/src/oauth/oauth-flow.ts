import * as oauth from 'oauth4webapi';
import { TributaryError, isTributaryError, silentLogger, systemClock, type Clock, type Logger } from '@tributary/sdk';
import type { StoredCredential } from '../vault/credential.js';
import type { VaultStore } from '../vault/types.js';
import type { Vault } from '../vault/vault.js';
import type { OAuthClients } from './oauth-client.js';

/** kv namespaces of pending and consumed authorization states. */
export const OAUTH_STATE_NAMESPACE = 'oauth:state';
export const OAUTH_USED_STATE_NAMESPACE = 'oauth:state-used';

/** How long a user has to finish the provider's consent screen. */
export const OAUTH_STATE_TTL_MS = 10 * 60_000;

/** What is remembered between start and callback (server side, keyed by the random state). */
export interface PendingAuthorization {
  provider: string;
  sourceId: string;
  userId: string;
  redirectUri: string;
  codeVerifier?: string;
  createdAt: string;
}

export interface OAuthFlowOptions {
  store: VaultStore;
  vault: Vault;
  clients: OAuthClients;
  clock?: Clock;
  logger?: Logger;
}

export interface StartAuthorizationInput {
  provider: string;
  sourceId: string;
  /** The signed-in user; the callback must come from the same user. */
  userId: string;
  /** Must be registered with the provider, e.g. `http://127.0.0.1:3099/api/v1/oauth/<provider>/callback`. */
  redirectUri: string;
  /** Overrides the provider's default scopes (e.g. the connector manifest's). */
  scopes?: string[];
}

export interface CompleteAuthorizationInput {
  provider: string;
  /** The callback's query parameters (`code`, `state`, and `error`/`iss` when sent). */
  query: Record<string, string | undefined> | URLSearchParams;
  userId: string;
  redirectUri?: string;
}

/** What the routes may show: never a token. */
export interface ConnectionSummary {
  sourceId: string;
  provider: string;
  scope: string | null;
  expiresAt: string | null;
  hasRefreshToken: boolean;
}

export interface OAuthFlow {
  /** @throws TributaryError `not_found` (source, provider), `invalid_config` (client not configured), `invalid_input` */
  startAuthorization(input: StartAuthorizationInput): Promise<{ url: string; state: string; expiresAt: string }>;
  /**
   * Checks the state (known, unexpired, unused, same user and provider), redeems the code and stores the tokens
   * encrypted. @throws TributaryError `invalid_input` (unknown/tampered state), `conflict` (state reused),
   * `forbidden` (another user's state), `auth_invalid` (refused, bad code or PKCE verifier)
   */
  completeAuthorization(input: CompleteAuthorizationInput): Promise<ConnectionSummary>;
  /** Forces a refresh now (single-flight, lease, CAS), as after a 401. */
  refresh(sourceId: string): Promise<ConnectionSummary | null>;
  /** Revokes at the provider (RFC 7009) when it has a revocation endpoint, then deletes the stored credential. */
  disconnect(sourceId: string): Promise<{ revoked: boolean; deleted: boolean; revocationError?: string }>;
}

/** The framework-free OAuth flow the REST routes and the CLI call. */
export function createOAuthFlow(options: OAuthFlowOptions): OAuthFlow {
  const { store, vault, clients } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;

  const summary = (sourceId: string, c: StoredCredential): ConnectionSummary | null =>
    c.kind !== 'oauth2'
      ? null
      : {
          sourceId,
          provider: c.provider ?? 'unknown',
          scope: c.scope ?? null,
          expiresAt: c.expiresAt ?? null,
          hasRefreshToken: c.refreshToken !== undefined,
        };

  return {
    async startAuthorization(input) {
      const provider = clients.provider(input.provider);
      clients.assertConfigured(provider.name);
      assertRedirectUri(input.redirectUri);
      const source = await store.getSource(input.sourceId);
      // Another user's source is reported as missing: ids must not be probed across users.
      if (!source || source.ownerId !== input.userId)
        throw new TributaryError('not_found', `No source "${input.sourceId}" for this user.`);
      const state = oauth.generateRandomState();
      const codeVerifier = provider.pkce ? oauth.generateRandomCodeVerifier() : undefined;
      const pending: PendingAuthorization = {
        provider: provider.name,
        sourceId: input.sourceId,
        userId: input.userId,
        redirectUri: input.redirectUri,
        ...(codeVerifier ? { codeVerifier } : {}),
        createdAt: new Date(clock.now()).toISOString(),
      };
      if (!(await store.kvPutIfAbsent(OAUTH_STATE_NAMESPACE, state, pending, OAUTH_STATE_TTL_MS))) {
        throw new TributaryError('conflict', 'A random OAuth state collided with a pending one; try again.');
      }
      const url = clients.authorizationUrl(provider.name, {
        redirectUri: input.redirectUri,
        state,
        ...(codeVerifier ? { codeChallenge: await oauth.calculatePKCECodeChallenge(codeVerifier) } : {}),
        ...(input.scopes ? { scopes: input.scopes } : {}),
      });
      logger.info('oauth authorization started', { provider: provider.name, sourceId: input.sourceId });
      return { url: url.href, state, expiresAt: new Date(clock.now() + OAUTH_STATE_TTL_MS).toISOString() };
    },

    async completeAuthorization(input) {
      const params = input.query instanceof URLSearchParams ? new URLSearchParams(input.query) : toParams(input.query);
      const state = params.get('state');
      if (!state)
        throw new TributaryError(
          'invalid_input',
          'The OAuth callback has no state parameter; start the connection again.',
        );
      const pending = await store.kvGet<PendingAuthorization>(OAUTH_STATE_NAMESPACE, state);
      if (!pending) {
        if (await store.kvGet(OAUTH_USED_STATE_NAMESPACE, state)) {
          throw new TributaryError(
            'conflict',
            'This OAuth callback was already used (a state is single-use); start the connection again.',
          );
        }
        throw new TributaryError(
          'invalid_input',
          'Unknown or expired OAuth state (altered, or older than 10 minutes); start the connection again.',
        );
      }
      if (pending.userId !== input.userId) {
        throw new TributaryError('forbidden', 'This OAuth callback belongs to a connection started by another user.');
      }
      if (pending.provider !== input.provider) {
        throw new TributaryError(
          'invalid_input',
          `This OAuth callback was started for provider "${pending.provider}", not "${input.provider}".`,
        );
      }
      if (input.redirectUri !== undefined && input.redirectUri !== pending.redirectUri) {
        throw new TributaryError(
          'invalid_input',
          'The OAuth callback arrived on a different redirect URI than the one the connection started with.',
        );
      }
      // Take it: of two concurrent callbacks with the same state, exactly one proceeds.
      if (!(await store.kvTake(OAUTH_STATE_NAMESPACE, state))) {
        throw new TributaryError(
          'conflict',
          'This OAuth callback was already used (a state is single-use); start the connection again.',
        );
      }
      await store.kvPutIfAbsent(OAUTH_USED_STATE_NAMESPACE, state, true, OAUTH_STATE_TTL_MS);
      const tokens = await clients.exchangeCode(pending.provider, params, {
        state,
        redirectUri: pending.redirectUri,
        ...(pending.codeVerifier ? { codeVerifier: pending.codeVerifier } : {}),
      });
      const now = clock.now();
      const credential: StoredCredential = {
        kind: 'oauth2',
        provider: pending.provider,
        accessToken: tokens.accessToken,
        ...(tokens.tokenType ? { tokenType: tokens.tokenType } : {}),
        ...(tokens.expiresIn !== undefined ? { expiresAt: new Date(now + tokens.expiresIn * 1000).toISOString() } : {}),
        ...(tokens.scope ? { scope: tokens.scope } : {}),
        ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}),
        ...(tokens.idToken ? { idToken: tokens.idToken } : {}),
        ...(tokens.extra ? { extra: tokens.extra } : {}),
        obtainedAt: new Date(now).toISOString(),
      };
      await vault.put(pending.sourceId, credential);
      const source = await store.getSource(pending.sourceId);
      if (source?.status === 'error' && source.errorMessage?.startsWith('reauthorization required')) {
        await store.updateSource(pending.sourceId, { status: 'active', errorMessage: null });
      }
      logger.info('oauth source connected', {
        provider: pending.provider,
        sourceId: pending.sourceId,
        expiresAt: credential.expiresAt ?? null,
      });
      return summary(pending.sourceId, credential)!;
    },

    async refresh(sourceId) {
      const c = await vault.refresh(sourceId, { force: true });
      return c ? summary(sourceId, c) : null;
    },

    async disconnect(sourceId) {
      const c = await vault.get(sourceId);
      let revoked = false;
      let revocationError: string | undefined;
      if (c?.kind === 'oauth2' && c.provider) {
        // Revoking the refresh token ends the whole grant at RFC 7009 servers (access tokens included).
        const [token, hint] = c.refreshToken
          ? [c.refreshToken, 'refresh_token' as const]
          : [c.accessToken, 'access_token' as const];
        try {
          revoked = await clients.revoke(c.provider, token, hint);
        } catch (err) {
          // The local copy is deleted anyway (the user asked to disconnect); the caller tells them to revoke by hand.
          revocationError = isTributaryError(err) ? err.message : 'revocation failed';
          logger.warn('oauth revocation failed', {
            provider: c.provider,
            sourceId,
            code: isTributaryError(err) ? err.code : 'internal',
          });
        }
      }
      const deleted = await vault.delete(sourceId);
      return { revoked, deleted, ...(revocationError ? { revocationError } : {}) };
    },
  };
}

function toParams(query: Record<string, string | undefined>): URLSearchParams {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (typeof v === 'string') params.set(k, v);
  return params;
}

function assertRedirectUri(uri: string): void {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new TributaryError('invalid_input', `The redirect URI "${uri}" is not an absolute URL.`);
  }
  if (
    url.protocol !== 'https:' &&
    !(url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname))
  ) {
    throw new TributaryError(
      'invalid_input',
      `The redirect URI must use https (or http on a loopback address); got ${url.protocol}//${url.host}.`,
    );
  }
  if (url.hash) throw new TributaryError('invalid_input', 'The redirect URI must not contain a fragment.');
}
