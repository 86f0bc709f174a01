import * as oauth from 'oauth4webapi';
import { TributaryError, createRedactor } from '@tributary/sdk';

/** What was being done, for messages and for deciding what `invalid_grant` means. */
export type OAuthAction = 'code_exchange' | 'refresh' | 'revocation';

const redact = createRedactor();

/**
 * Maps an oauth4webapi or network failure to a TributaryError. The original error is not chained as `cause`:
 * oauth4webapi attaches response bodies (which may hold tokens) to its errors.
 */
export function toOAuthError(err: unknown, provider: string, action: OAuthAction): TributaryError {
  if (err instanceof TributaryError) return err;
  const doing =
    action === 'code_exchange'
      ? 'exchanging the authorization code'
      : action === 'refresh'
        ? 'refreshing the access token'
        : 'revoking the token';
  if (err instanceof oauth.ResponseBodyError) {
    const what = `${provider} answered "${err.error}"${err.error_description ? ` (${redact(err.error_description)})` : ''} with HTTP ${err.status} while ${doing}`;
    const details = { provider, error: err.error, status: err.status };
    if (err.error === 'invalid_grant') {
      if (action === 'refresh')
        return new TributaryError('reauthorization_required', `the grant was revoked or expired: ${what}`, { details });
      return new TributaryError(
        'auth_invalid',
        `The authorization code was rejected (expired, already used, or the PKCE verifier does not match): ${what}. Start the connection again.`,
        { details },
      );
    }
    if (err.error === 'invalid_client' || err.error === 'unauthorized_client') {
      return new TributaryError(
        'invalid_config',
        `The OAuth client id/secret was rejected: ${what}. Check the <PROVIDER>_CLIENT_ID / _CLIENT_SECRET settings.`,
        { details },
      );
    }
    if (err.status === 429 || err.error === 'slow_down')
      return new TributaryError('rate_limited', `Rate limited: ${what}.`, { details });
    if (err.status >= 500 || err.error === 'temporarily_unavailable' || err.error === 'server_error') {
      return new TributaryError('upstream_unavailable', `Temporary failure: ${what}.`, { details });
    }
    return new TributaryError('upstream_error', `OAuth error: ${what}.`, { details });
  }
  if (err instanceof oauth.AuthorizationResponseError) {
    const desc = err.error_description ? ` (${redact(err.error_description)})` : '';
    return new TributaryError(
      'auth_invalid',
      `${provider} refused the authorization: "${err.error}"${desc}. Start the connection again and approve the requested access.`,
      {
        details: { provider, error: err.error },
      },
    );
  }
  if (err instanceof oauth.WWWAuthenticateChallengeError) {
    return new TributaryError(
      'invalid_config',
      `${provider} rejected the client authentication (HTTP ${err.status}) while ${doing}; check the client id/secret.`,
      {
        details: { provider, status: err.status },
      },
    );
  }
  if (err instanceof oauth.OperationProcessingError) {
    const status = err.cause instanceof Response ? err.cause.status : undefined;
    if (status !== undefined && (status >= 500 || status === 429)) {
      return new TributaryError(
        status === 429 ? 'rate_limited' : 'upstream_unavailable',
        `${provider} answered HTTP ${status} while ${doing}.`,
        { details: { provider, status } },
      );
    }
    return new TributaryError(
      'upstream_error',
      `${provider} sent an invalid response while ${doing}: ${err.message}.`,
      { details: { provider, code: err.code ?? null } },
    );
  }
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
    return new TributaryError('timeout', `${provider} did not answer in time while ${doing}.`, {
      details: { provider },
    });
  }
  if (err instanceof TypeError) {
    // fetch() network failures are TypeErrors ("fetch failed") with the socket error as cause.
    const code = (err.cause as NodeJS.ErrnoException | undefined)?.code;
    if (err.message === 'fetch failed' || code) {
      return new TributaryError(
        'upstream_unavailable',
        `Cannot reach ${provider} while ${doing}${code ? ` (${code})` : ''}.`,
        { details: { provider } },
      );
    }
  }
  return new TributaryError(
    'internal',
    `Unexpected failure while ${doing} with ${provider}: ${err instanceof Error ? err.message : String(err)}`,
    { details: { provider } },
  );
}
