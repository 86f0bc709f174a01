/** The credential vault (AES-256-GCM at rest, key rotation, OAuth refresh) and the OAuth 2.0 flow. */
export { createVault, type Vault, type VaultOptions, type RotationResult } from './vault.js';
export { loadKeyring, readKeyringFile, KEYRING_FILE, type LoadKeyringOptions } from './keyring-file.js';
export {
  createKeyring,
  keyringFromKey,
  parseKey,
  generateKey,
  keyIdOf,
  type Keyring,
  type KeyringData,
  type KeyringOptions,
} from './keyring.js';
export {
  StoredCredentialSchema,
  toSdkCredential,
  secretValues as credentialSecretValues,
  type StoredCredential,
  type StoredOAuthCredential,
} from './credential.js';
export { REFRESH_LEASE_NAMESPACE } from './refresh-coordinator.js';
export type { VaultStore, OAuthRefresher, OAuthTokenSet, ConnectorAuth } from './types.js';
export {
  OAUTH_PROVIDERS,
  getProvider,
  resolveClientCredentials,
  type OAuthProviderDefinition,
  type OAuthClientCredentials,
  type ClientAuthMethod,
} from '../oauth/providers.js';
export {
  createOAuthClients,
  type OAuthClients,
  type OAuthClientsOptions,
  type AuthorizationRequest,
} from '../oauth/oauth-client.js';
export {
  createOAuthFlow,
  OAUTH_STATE_NAMESPACE,
  OAUTH_USED_STATE_NAMESPACE,
  OAUTH_STATE_TTL_MS,
  type OAuthFlow,
  type OAuthFlowOptions,
  type StartAuthorizationInput,
  type CompleteAuthorizationInput,
  type ConnectionSummary,
  type PendingAuthorization,
} from '../oauth/oauth-flow.js';
