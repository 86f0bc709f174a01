/** Users (with the server folders they may read) and their hashed API tokens. */

export interface UserRecord {
  id: string;
  name: string;
  isAdmin: boolean;
  /**
   * Folders on the server this (non-admin) user's local sources may read (real paths; empty: none). Admins read
   * anywhere but the server's own data dir, whatever this says.
   */
  allowedRoots: string[];
  createdAt: string;
}

export interface TokenRecord {
  id: string;
  userId: string;
  name: string;
  /** sha256 hex of the token; the token itself is never stored. */
  tokenHash: string;
  readOnly: boolean;
  /** `api` or `metrics` (a metrics-only token). */
  scope: 'api' | 'metrics';
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface AuthStore {
  createUser(input: { id?: string; name: string; isAdmin?: boolean }): Promise<UserRecord>;
  getUser(id: string): Promise<UserRecord | null>;
  /** Replaces a user's allowed roots; null when there is no such user. */
  setUserAllowedRoots(id: string, roots: string[]): Promise<UserRecord | null>;
  listUsers(): Promise<UserRecord[]>;
  createToken(input: {
    userId: string;
    name: string;
    tokenHash: string;
    readOnly?: boolean;
    scope?: 'api' | 'metrics';
  }): Promise<TokenRecord>;
  findTokenByHash(tokenHash: string): Promise<TokenRecord | null>;
  listTokens(userId?: string): Promise<TokenRecord[]>;
  touchToken(id: string): Promise<void>;
  revokeToken(id: string): Promise<boolean>;
}
