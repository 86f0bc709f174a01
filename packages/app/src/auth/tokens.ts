import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync, chmodSync } from 'node:fs';
import path from 'node:path';
import type { AuthStore, TokenRecord } from '@tributary/engine';
import { LOCAL_USER_ID } from '@tributary/engine/engine/types';
import { TributaryError } from '@tributary/sdk';

/** Prefix of every API token: recognisable in a secret scanner. */
export const TOKEN_PREFIX = 'trib_';
/** File in the data dir holding the bootstrap admin token (mode 0600). */
export const TOKEN_FILE = 'api-token';

/** sha256 hex of a token: the only form the store keeps. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A new random token (256 bits). */
export function generateToken(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export interface IssueTokenInput {
  userId: string;
  name?: string;
  readOnly?: boolean;
  scope?: 'api' | 'metrics';
}

/**
 * Creates a token for a user and returns the secret once with its record; only the hash is stored.
 * @throws TributaryError `not_found` when the user does not exist
 */
export async function issueToken(
  store: AuthStore,
  input: IssueTokenInput,
): Promise<{ token: string; record: TokenRecord }> {
  const user = await store.getUser(input.userId);
  if (!user)
    throw new TributaryError('not_found', `No user "${input.userId}".`, {
      issues: [{ path: 'user', message: 'unknown user' }],
    });
  const token = generateToken();
  const record = await store.createToken({
    userId: user.id,
    name: input.name ?? 'api',
    tokenHash: hashToken(token),
    readOnly: input.readOnly ?? false,
    scope: input.scope ?? 'api',
  });
  return { token, record };
}

/**
 * On first start (no token at all in the store), creates an admin token for the local user and writes it to
 * `<dataDir>/api-token` with mode 0600 so the CLI and dashboard can read it. Returns the token when it made one.
 */
export async function ensureBootstrapToken(store: AuthStore, dataDir: string | undefined): Promise<string | null> {
  if ((await store.listTokens()).length > 0) return null;
  const { token } = await issueToken(store, { userId: LOCAL_USER_ID, name: 'bootstrap-admin' });
  if (dataDir) {
    const file = path.join(dataDir, TOKEN_FILE);
    writeFileSync(file, `${token}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return token;
}
