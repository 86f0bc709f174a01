import {
  isTributaryError,
  silentLogger,
  systemClock,
  type Clock,
  type Credential,
  type CredentialAccess,
  type Logger,
} from '@tributary/sdk';
import { parseStoredCredential, toSdkCredential, type StoredCredential } from './credential.js';
import type { Keyring } from './keyring.js';
import { createRefreshCoordinator } from './refresh-coordinator.js';
import type { ConnectorAuth, OAuthRefresher, VaultStore } from './types.js';
import { createVaultEntries } from './vault-entries.js';
import { hasStaleSeals, openConfig, resealConfig, sealConfig, sealedKeyId, sealedPaths } from './config-secrets.js';

export interface VaultOptions {
  store: VaultStore;
  keyring: Keyring;
  clock?: Clock;
  /** Redeems refresh tokens (from `createOAuthClients`); without it expired OAuth tokens need a reconnect. */
  oauth?: OAuthRefresher;
  /** Receives refresh and rotation events; never secrets. */
  logger?: Logger;
  /** Refresh this long before `expiresAt`. @default 60_000 */
  refreshMarginMs?: number;
  /** Lifetime of the cross-process refresh lease. @default 30_000 */
  leaseTtlMs?: number;
  /** How often a process waiting for another's refresh re-reads the credential. @default 100 */
  lockPollMs?: number;
  /** Attempts at a refresh that fails transiently. @default 3 */
  refreshAttempts?: number;
  /** First backoff between attempts (doubled each time, with jitter). @default 500 */
  backoffBaseMs?: number;
}

export interface RotationResult {
  activeKeyId: string;
  reencrypted: number;
  /** Sources whose sealed secret config fields were re-encrypted. */
  reencryptedConfigs: number;
  retiredKeyIds: string[];
}

/**
 * Encryption of secret config fields (`.meta({ secret: true })`) at rest: the engine's `configSecrets` hook.
 * Sealed values live inline in the stored config (see `config-secrets.ts`) and are re-encrypted by `rotate()`.
 */
export interface ConfigSecrets {
  /**
   * The config to store: values at `secretPaths` sealed. A value equal to the output mask or to a sealed value
   * keeps what `previous` (the stored config) has there.
   * @throws TributaryError `invalid_config` for a mask with nothing stored behind it
   */
  seal(
    sourceId: string,
    config: Record<string, unknown>,
    secretPaths: string[],
    previous?: Record<string, unknown>,
  ): Promise<Record<string, unknown>>;
  /** The plaintext config. @throws TributaryError `secret_key_invalid` */
  open(sourceId: string, config: Record<string, unknown>): Promise<Record<string, unknown>>;
}

export interface Vault {
  /** Encrypts and stores a credential (replacing any previous one). @throws TributaryError `invalid_input` */
  put(sourceId: string, credential: StoredCredential | Credential): Promise<void>;
  /** The stored credential with its refresh token, or undefined. @throws TributaryError `secret_key_invalid` */
  get(sourceId: string): Promise<StoredCredential | undefined>;
  delete(sourceId: string): Promise<boolean>;
  /**
   * Re-encrypts every credential under a new key without downtime: the new key becomes active first, each row is
   * re-encrypted with CAS on its revision, then the old keys are retired.
   */
  rotate(): Promise<RotationResult>;
  /** Refreshes an OAuth credential now (single-flight); see {@link CredentialAccess.refresh}. */
  refresh(sourceId: string, options?: { force?: boolean; provider?: string }): Promise<StoredCredential | undefined>;
  /** What a connector's `ctx.credentials` is: tokens refreshed before expiry, `refresh()` after a 401. */
  credentialAccess(sourceId: string, connectorAuth?: ConnectorAuth): CredentialAccess;
  /** Seals and opens secret config fields (pass as the engine's `configSecrets`). */
  configSecrets: ConfigSecrets;
}

/** Creates the credential vault over the store's ciphertext rows. */
export function createVault(options: VaultOptions): Vault {
  const { store, keyring } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const entries = createVaultEntries(store, keyring);
  const coordinator = createRefreshCoordinator({
    store,
    clock,
    logger,
    oauth: options.oauth,
    read: entries.read,
    write: async (sourceId, credential, expected) => {
      await entries.write(sourceId, credential, expected);
    },
    refreshMarginMs: options.refreshMarginMs ?? 60_000,
    leaseTtlMs: options.leaseTtlMs ?? 30_000,
    lockPollMs: options.lockPollMs ?? 100,
    attempts: options.refreshAttempts ?? 3,
    backoffBaseMs: options.backoffBaseMs ?? 500,
  });

  async function rotate(): Promise<RotationResult> {
    const before = keyring.keyIds();
    if (keyring.origin !== 'env' || before.length === 1) await keyring.addKey();
    const active = keyring.activeKeyId();
    let reencrypted = 0;
    let reencryptedConfigs = 0;
    // Repeat until a pass finds nothing left: a write sealed just before the new key became active may land late.
    for (let pass = 0; pass < 5; pass++) {
      const configs = await resealSourceConfigs();
      reencryptedConfigs += configs;
      const stale = (await store.listCredentials()).filter((e) => e.keyId !== keyring.activeKeyId());
      if (stale.length === 0 && configs === 0) break;
      for (const envelope of stale) {
        try {
          if (await entries.reencrypt(envelope.sourceId)) reencrypted++;
        } catch (err) {
          // An unreadable row stays unreadable under any key; report it, do not block the rotation of the rest.
          if (!isTributaryError(err) || err.code !== 'secret_key_invalid') throw err;
          logger.error('credential could not be re-encrypted', { sourceId: envelope.sourceId, code: err.code });
        }
      }
    }
    const retiredKeyIds = keyring.keyIds().filter((id) => id !== active);
    await keyring.retire(retiredKeyIds);
    logger.info('vault key rotated', { activeKeyId: active, reencrypted, reencryptedConfigs, retiredKeyIds });
    return { activeKeyId: active, reencrypted, reencryptedConfigs, retiredKeyIds };
  }

  /** Re-seals the secret config fields not under the active key; returns how many sources changed. */
  async function resealSourceConfigs(): Promise<number> {
    let changed = 0;
    for (const listed of await store.listSources()) {
      if (!hasStaleSeals(keyring, listed.config)) continue;
      // Re-read right before the write: an edit since the listing must not be undone.
      const source = await store.getSource(listed.id);
      if (!source) continue;
      try {
        const next = resealConfig(keyring, source.id, source.config);
        if (!next) continue;
        await store.updateSource(source.id, { config: next });
        changed++;
      } catch (err) {
        if (!isTributaryError(err) || err.code !== 'secret_key_invalid') throw err;
        logger.error('secret config could not be re-encrypted', { sourceId: source.id, code: err.code });
      }
    }
    return changed;
  }

  const configSecrets: ConfigSecrets = {
    async seal(sourceId, config, secretPaths, previous) {
      // Another process may have rotated the keyring file: seal under its current active key, never a retired one.
      if (keyring.origin === 'file') await keyring.reload();
      return sealConfig(keyring, sourceId, config, secretPaths, previous);
    },
    async open(sourceId, config) {
      const missingKey = sealedPaths(config).some(({ value }) => !keyring.key(sealedKeyId(value) ?? ''));
      if (!missingKey) return openConfig(keyring, sourceId, config);
      // A rotation (here or in another process) may have re-sealed the stored config and retired the key this copy
      // was sealed with: pick up a rotated keyring file and the stored config, then open that.
      await keyring.reload();
      const fresh = await store.getSource(sourceId);
      return openConfig(keyring, sourceId, fresh && hasStaleSeals(keyring, config) ? fresh.config : config);
    },
  };

  return {
    async put(sourceId, credential) {
      await entries.write(sourceId, parseStoredCredential(credential, sourceId));
    },
    async get(sourceId) {
      return (await entries.read(sourceId))?.credential;
    },
    delete: (sourceId) => store.deleteCredential(sourceId),
    rotate,
    configSecrets,
    refresh: (sourceId, opts = {}) =>
      coordinator.refresh(sourceId, {
        force: opts.force ?? true,
        ...(opts.provider !== undefined ? { provider: opts.provider } : {}),
      }),
    credentialAccess(sourceId, connectorAuth) {
      const provider = connectorAuth?.provider;
      let lastAccessToken: string | undefined;
      const hand = (c: StoredCredential | undefined): Credential | undefined => {
        if (!c) return undefined;
        if (c.kind === 'oauth2') lastAccessToken = c.accessToken;
        return toSdkCredential(c);
      };
      return {
        async get() {
          const entry = await entries.read(sourceId);
          if (!entry) return undefined;
          const c = entry.credential;
          if (c.kind === 'oauth2' && c.refreshToken && coordinator.expiring(c)) {
            return hand(
              await coordinator.refresh(sourceId, { force: false, ...(provider !== undefined ? { provider } : {}) }),
            );
          }
          return hand(c);
        },
        async refresh() {
          const req = {
            force: true,
            ...(provider !== undefined ? { provider } : {}),
            ...(lastAccessToken !== undefined ? { staleAccessToken: lastAccessToken } : {}),
          };
          return hand(await coordinator.refresh(sourceId, req));
        },
      };
    },
  };
}
