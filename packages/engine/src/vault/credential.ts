import { TributaryError, type Credential } from '@tributary/sdk';
import { z } from 'zod';

const Extra = z.record(z.string(), z.string()).optional();

/**
 * What the vault stores: the SDK's {@link Credential} plus what connectors never see (the OAuth refresh token,
 * the provider it came from, when it was obtained).
 */
export const StoredCredentialSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('oauth2'),
    /** The provider registry name (`google`, `slack` …); refresh and revocation use it. */
    provider: z.string().optional(),
    accessToken: z.string().min(1),
    tokenType: z.string().optional(),
    /** ISO 8601; absent when the provider's tokens do not expire. */
    expiresAt: z.string().optional(),
    scope: z.string().optional(),
    refreshToken: z.string().optional(),
    idToken: z.string().optional(),
    /** ISO 8601: when this token set was obtained (code exchange or refresh). */
    obtainedAt: z.string().optional(),
    extra: Extra,
  }),
  z.object({ kind: z.literal('token'), token: z.string().min(1), extra: Extra }),
  z.object({ kind: z.literal('password'), username: z.string().optional(), password: z.string(), extra: Extra }),
]);

export type StoredCredential = z.infer<typeof StoredCredentialSchema>;
export type StoredOAuthCredential = Extract<StoredCredential, { kind: 'oauth2' }>;

/** Validates a credential before it is encrypted; the error names fields, never values. */
export function parseStoredCredential(value: unknown, sourceId: string): StoredCredential {
  const result = StoredCredentialSchema.safeParse(value);
  if (!result.success) {
    const fields = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new TributaryError('invalid_input', `The credential for source "${sourceId}" is invalid: ${fields}`);
  }
  return result.data;
}

/** The connector's view: no refresh token, no id token, no provider bookkeeping. */
export function toSdkCredential(stored: StoredCredential): Credential {
  switch (stored.kind) {
    case 'oauth2':
      return {
        kind: 'oauth2',
        accessToken: stored.accessToken,
        ...(stored.tokenType !== undefined ? { tokenType: stored.tokenType } : {}),
        ...(stored.expiresAt !== undefined ? { expiresAt: stored.expiresAt } : {}),
        ...(stored.scope !== undefined ? { scope: stored.scope } : {}),
        ...(stored.extra !== undefined ? { extra: stored.extra } : {}),
      };
    case 'token':
      return { kind: 'token', token: stored.token, ...(stored.extra !== undefined ? { extra: stored.extra } : {}) };
    case 'password':
      return {
        kind: 'password',
        password: stored.password,
        ...(stored.username !== undefined ? { username: stored.username } : {}),
        ...(stored.extra !== undefined ? { extra: stored.extra } : {}),
      };
  }
}

/** Every secret value in a credential, for redactors (logs, errors). */
export function secretValues(stored: StoredCredential): string[] {
  switch (stored.kind) {
    case 'oauth2':
      return [stored.accessToken, stored.refreshToken, stored.idToken].filter(
        (v): v is string => typeof v === 'string',
      );
    case 'token':
      return [stored.token];
    case 'password':
      return [stored.password];
  }
}
