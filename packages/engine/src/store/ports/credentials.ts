/** Source credentials, as ciphertext only: the vault encrypts before the store sees anything. */

/** An encrypted credential as the vault writes it; the store never sees plaintext. */
export interface CredentialEnvelope {
  sourceId: string;
  keyId: string;
  /** base64 */
  iv: string;
  tag: string;
  ciphertext: string;
  updatedAt: string;
  /** Bumped on every write, for compare-and-swap (refresh-token rotation). */
  revision: number;
}

export interface CredentialStore {
  putCredential(
    envelope: Omit<CredentialEnvelope, 'updatedAt' | 'revision'>,
    expectedRevision?: number,
  ): Promise<CredentialEnvelope>;
  getCredential(sourceId: string): Promise<CredentialEnvelope | null>;
  listCredentials(): Promise<CredentialEnvelope[]>;
  deleteCredential(sourceId: string): Promise<boolean>;
}
