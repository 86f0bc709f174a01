import { createHash } from 'node:crypto';
import type { AnyConnector, RateLimiter, RateLimitSpec } from '@tributary/sdk';
import type { SourceRecord, StoredCredential } from '@tributary/engine';

/**
 * Providers whose documented limits count per user account (Google: Gmail quota units per user per second, Drive
 * and Calendar per-user request rates). Their sources share one budget per account and API, whoever owns them.
 */
const PER_ACCOUNT_PROVIDERS = new Set(['google']);

const digest = (kind: string, value: string): string =>
  `${kind}:${createHash('sha256').update(`${kind}\0${value}`).digest('base64url').slice(0, 22)}`;

/** The `sub` claim of an OpenID id_token (not verified: it only groups budgets, it grants nothing). */
function idTokenSubject(idToken: string | undefined): string | undefined {
  const payload = idToken?.split('.')[1];
  if (!payload) return undefined;
  try {
    const sub = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub?: unknown }).sub;
    return typeof sub === 'string' && sub ? sub : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Which upstream account a stored credential acts as, as an opaque key (a digest: no secret in a limiter or Redis
 * key): the OpenID subject when the provider gave an id_token, else the grant (refresh token), else the token
 * itself. Two sources on one credential get the same key; undefined when there is no credential.
 */
export function credentialAccount(credential: StoredCredential | undefined): string | undefined {
  if (!credential) return undefined;
  if (credential.kind === 'oauth2') {
    const sub = idTokenSubject(credential.idToken);
    if (sub) return digest(`sub-${credential.provider ?? ''}`, sub);
    return credential.refreshToken
      ? digest('grant', credential.refreshToken)
      : digest('access', credential.accessToken);
  }
  if (credential.kind === 'token') return digest('token', credential.token);
  return undefined;
}

/**
 * A limiter whose budget is chosen on first use (the credential is read from the vault then, asynchronously): every
 * call waits for that choice. A `pauseFor` before it is applied once the budget is known.
 */
export function deferredLimiter(choose: () => Promise<RateLimiter>): RateLimiter {
  let chosen: Promise<RateLimiter> | undefined;
  const get = (): Promise<RateLimiter> => (chosen ??= choose());
  return {
    async acquire(cost, signal) {
      return (await get()).acquire(cost, signal);
    },
    pauseFor(ms) {
      void get().then(
        (l) => l.pauseFor(ms),
        () => undefined,
      );
    },
  };
}

/**
 * The rate limiter of a source's run: per connector and owner (`<connector>:<owner>`) as before, except for
 * providers that count per user account, whose sources on the same account share `<connector>:account:<key>`
 * (two Gmail sources of one mailbox, in any worker, spend one quota). Without a credential it stays per owner.
 */
export function sourceRateLimiter(
  source: SourceRecord,
  connector: AnyConnector,
  spec: RateLimitSpec,
  deps: {
    limiterFor: (account: string, spec: RateLimitSpec) => RateLimiter;
    credential: (sourceId: string) => Promise<StoredCredential | undefined>;
  },
): RateLimiter {
  const name = connector.manifest.name;
  const byOwner = `${name}:${source.ownerId}`;
  const auth = connector.manifest.auth as { provider?: string } | undefined;
  if (!auth?.provider || !PER_ACCOUNT_PROVIDERS.has(auth.provider)) return deps.limiterFor(byOwner, spec);
  return deferredLimiter(async () => {
    const account = credentialAccount(await deps.credential(source.id).catch(() => undefined));
    return deps.limiterFor(account ? `${name}:account:${account}` : byOwner, spec);
  });
}
