import type { MemoryStore } from '../store/types.js';

/**
 * The slice of the store port the vault and the OAuth flow use (ciphertext, OAuth states, leases, source status,
 * source configs for re-sealing secret config fields on rotation).
 */
export type VaultStore = Pick<
  MemoryStore,
  | 'putCredential'
  | 'getCredential'
  | 'listCredentials'
  | 'deleteCredential'
  | 'kvPutIfAbsent'
  | 'kvTake'
  | 'kvGet'
  | 'kvDelete'
  | 'getSource'
  | 'updateSource'
  | 'listSources'
>;

/** A token endpoint's answer, normalized. */
export interface OAuthTokenSet {
  accessToken: string;
  tokenType?: string;
  /** Seconds, as the provider sent it. */
  expiresIn?: number;
  scope?: string;
  /** Present when the provider issued (or rotated) a refresh token. */
  refreshToken?: string;
  idToken?: string;
  /** Provider-specific non-secret fields worth keeping (Slack's team id …). */
  extra?: Record<string, string>;
}

/** The protocol half of a refresh, implemented by the OAuth module (`createOAuthClients`). */
export interface OAuthRefresher {
  /**
   * Redeems a refresh token at the provider's token endpoint.
   * @throws TributaryError `reauthorization_required` when the grant is revoked (`invalid_grant`); a retryable code
   * (`upstream_unavailable`, `rate_limited`, `timeout`) for transient failures.
   */
  refresh(provider: string, refreshToken: string): Promise<OAuthTokenSet>;
}

/** The connector's auth spec, as in its manifest (only `type` and `provider` matter here). */
export interface ConnectorAuth {
  type: string;
  provider?: string;
}
