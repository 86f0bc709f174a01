import { randomUUID } from 'node:crypto';
import { TributaryError, isTributaryError, type Clock, type Logger } from '@tributary/sdk';
import type { StoredCredential, StoredOAuthCredential } from './credential.js';
import type { OAuthRefresher, VaultStore } from './types.js';
import type { VaultEntry } from './vault-entries.js';

/** kv namespace of the cross-process refresh leases. */
export const REFRESH_LEASE_NAMESPACE = 'vault:refresh-lease';

export interface RefreshDeps {
  store: VaultStore;
  clock: Clock;
  logger: Logger;
  oauth: OAuthRefresher | undefined;
  read(sourceId: string): Promise<VaultEntry | undefined>;
  /** Compare-and-swap write; throws `conflict` when the revision moved. */
  write(sourceId: string, credential: StoredCredential, expectedRevision: number): Promise<void>;
  refreshMarginMs: number;
  leaseTtlMs: number;
  lockPollMs: number;
  attempts: number;
  backoffBaseMs: number;
}

export interface RefreshRequest {
  /** Refresh even when the token has not expired (after a 401). */
  force: boolean;
  /** The access token the caller saw fail: when the stored one differs, someone already refreshed. */
  staleAccessToken?: string;
  /** The connector's provider, for credentials stored without one. */
  provider?: string;
}

/**
 * Refreshes OAuth tokens exactly once however many callers need one: single-flight per source in this process,
 * and a short kv lease across processes (the credential is re-read after the lease is taken, since another process
 * may have refreshed meanwhile). A rotated refresh token is persisted (CAS on the revision) before it is returned.
 */
export function createRefreshCoordinator(deps: RefreshDeps) {
  const inFlight = new Map<string, Promise<StoredCredential | undefined>>();
  const holder = randomUUID();

  const expiring = (c: StoredOAuthCredential): boolean =>
    c.expiresAt !== undefined && Date.parse(c.expiresAt) - deps.refreshMarginMs <= deps.clock.now();

  /** Whether `current` still needs a refresh, given what the caller asked for. */
  const needsRefresh = (current: StoredOAuthCredential, req: RefreshRequest): boolean => {
    if (req.force) return req.staleAccessToken === undefined || current.accessToken === req.staleAccessToken;
    return expiring(current);
  };

  async function refresh(sourceId: string, req: RefreshRequest): Promise<StoredCredential | undefined> {
    const running = inFlight.get(sourceId);
    if (running) return running;
    const flight = underLease(sourceId, req).finally(() => inFlight.delete(sourceId));
    inFlight.set(sourceId, flight);
    return flight;
  }

  async function underLease(sourceId: string, req: RefreshRequest): Promise<StoredCredential | undefined> {
    const waitUntil = deps.clock.now() + deps.leaseTtlMs * 2;
    while (!(await deps.store.kvPutIfAbsent(REFRESH_LEASE_NAMESPACE, sourceId, holder, deps.leaseTtlMs))) {
      // Another process is refreshing: its result lands in the store, so poll the credential, not only the lease.
      const entry = await deps.read(sourceId);
      if (!entry || entry.credential.kind !== 'oauth2' || !needsRefresh(entry.credential, req))
        return entry?.credential;
      if (deps.clock.now() > waitUntil) {
        throw new TributaryError(
          'timeout',
          `Timed out waiting for another process to refresh the OAuth token of source "${sourceId}".`,
        );
      }
      await deps.clock.sleep(deps.lockPollMs);
    }
    try {
      const entry = await deps.read(sourceId);
      if (!entry || entry.credential.kind !== 'oauth2' || !needsRefresh(entry.credential, req))
        return entry?.credential;
      return await refreshNow(sourceId, entry, entry.credential, req);
    } finally {
      if ((await deps.store.kvGet(REFRESH_LEASE_NAMESPACE, sourceId)) === holder)
        await deps.store.kvDelete(REFRESH_LEASE_NAMESPACE, sourceId);
    }
  }

  async function refreshNow(
    sourceId: string,
    entry: VaultEntry,
    current: StoredOAuthCredential,
    req: RefreshRequest,
  ): Promise<StoredCredential> {
    const provider = current.provider ?? req.provider;
    if (!current.refreshToken || !provider || !deps.oauth) {
      const why = !current.refreshToken
        ? 'no refresh token is stored'
        : !provider
          ? 'the credential names no OAuth provider'
          : 'no OAuth client is configured';
      throw await reauthorize(sourceId, `the access token expired and cannot be refreshed (${why})`);
    }
    const tokens = await withRetries(sourceId, () => deps.oauth!.refresh(provider, current.refreshToken!));
    const now = deps.clock.now();
    const next: StoredOAuthCredential = {
      ...current,
      provider,
      accessToken: tokens.accessToken,
      tokenType: tokens.tokenType ?? current.tokenType,
      expiresAt: tokens.expiresIn !== undefined ? new Date(now + tokens.expiresIn * 1000).toISOString() : undefined,
      scope: tokens.scope ?? current.scope,
      // Providers that rotate send a new refresh token; the others keep the old one valid.
      refreshToken: tokens.refreshToken ?? current.refreshToken,
      idToken: tokens.idToken ?? current.idToken,
      obtainedAt: new Date(now).toISOString(),
      extra: tokens.extra ? { ...current.extra, ...tokens.extra } : current.extra,
    };
    await persist(sourceId, next, entry.revision, current.refreshToken);
    deps.logger.info('oauth token refreshed', {
      sourceId,
      provider,
      expiresAt: next.expiresAt ?? null,
      refreshTokenRotated: tokens.refreshToken !== undefined && tokens.refreshToken !== current.refreshToken,
    });
    return next;
  }

  /** CAS write; a conflict from a key rotation re-encrypting the same grant is retried, a reconnect wins. */
  async function persist(
    sourceId: string,
    next: StoredOAuthCredential,
    revision: number,
    usedRefreshToken: string,
  ): Promise<void> {
    let expected = revision;
    for (let attempt = 0; ; attempt++) {
      try {
        await deps.write(sourceId, next, expected);
        return;
      } catch (err) {
        if (!isTributaryError(err) || err.code !== 'conflict' || attempt >= 10) throw err;
        const latest = await deps.read(sourceId);
        if (!latest || latest.credential.kind !== 'oauth2' || latest.credential.refreshToken !== usedRefreshToken) {
          throw new TributaryError(
            'conflict',
            `The credential of source "${sourceId}" was replaced while its token was being refreshed.`,
          );
        }
        expected = latest.revision;
      }
    }
  }

  async function withRetries<T>(sourceId: string, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        if (isTributaryError(err) && err.code === 'reauthorization_required')
          throw await reauthorize(sourceId, err.message, err);
        const retryable = isTributaryError(err) && err.retryable;
        if (!retryable || attempt >= deps.attempts) throw err;
        const base = deps.backoffBaseMs * 2 ** (attempt - 1);
        const wait = Math.max(
          base + Math.floor(Math.random() * base),
          isTributaryError(err) ? (err.retryAfterMs ?? 0) : 0,
        );
        deps.logger.warn('oauth token refresh failed, retrying', {
          sourceId,
          attempt,
          waitMs: wait,
          code: isTributaryError(err) ? err.code : 'internal',
        });
        await deps.clock.sleep(wait);
      }
    }
  }

  /** Puts the source in `error` (the dashboard shows "reconnect") and returns the error to throw. */
  async function reauthorize(sourceId: string, reason: string, cause?: unknown): Promise<TributaryError> {
    const message = `reauthorization required: ${reason}`;
    try {
      await deps.store.updateSource(sourceId, { status: 'error', errorMessage: message });
    } catch (err) {
      if (!isTributaryError(err) || err.code !== 'not_found') throw err;
    }
    deps.logger.warn('oauth grant needs reauthorization', { sourceId });
    return new TributaryError(
      'reauthorization_required',
      `Source "${sourceId}": ${message}. Connect the source again.`,
      { cause },
    );
  }

  return { refresh, expiring };
}
