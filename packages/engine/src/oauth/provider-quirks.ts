/**
 * Some token endpoints answer errors with HTTP 200: GitHub (`{"error":"bad_verification_code"}`) and Slack
 * (`{"ok":false,"error":"invalid_code"}`). Slack also puts a user-only token under `authed_user`. This fetch wrapper
 * rewrites those answers into RFC 6749 shape so oauth4webapi's checks (and our error mapping) apply unchanged.
 */
export function normalizingFetch(base: typeof fetch): (url: string, init: RequestInit) => Promise<Response> {
  return async (url, init) => {
    const response = await base(url, init);
    if (response.status !== 200 || !(response.headers.get('content-type') ?? '').includes('json')) return response;
    const text = await response.text();
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return new Response(text, { status: response.status, headers: response.headers });
    }
    const headers = new Headers(response.headers);
    headers.delete('content-length');
    headers.delete('content-encoding');
    if (body.ok === false || (typeof body.error === 'string' && body.access_token === undefined)) {
      const error = typeof body.error === 'string' ? slackToOAuthError(body.error) : 'invalid_request';
      const description =
        typeof body.error_description === 'string'
          ? body.error_description
          : typeof body.error === 'string'
            ? body.error
            : undefined;
      return new Response(JSON.stringify({ error, ...(description ? { error_description: description } : {}) }), {
        status: 400,
        headers,
      });
    }
    const user = body.authed_user as Record<string, unknown> | undefined;
    if (body.access_token === undefined && typeof user?.access_token === 'string') {
      body = { ...body, ...user, authed_user_id: user.id };
    }
    if (body.token_type === undefined && typeof body.access_token === 'string')
      body = { ...body, token_type: 'bearer' };
    if (body.team && typeof (body.team as Record<string, unknown>).id === 'string')
      body = { ...body, team_id: (body.team as Record<string, string>).id };
    return new Response(JSON.stringify(body), { status: 200, headers });
  };
}

/** Slack's and GitHub's own codes for a dead code or refresh token mean RFC 6749's `invalid_grant`. */
function slackToOAuthError(code: string): string {
  const grant = [
    'invalid_code',
    'code_already_used',
    'invalid_refresh_token',
    'token_revoked',
    'token_expired',
    'bad_verification_code',
    'bad_refresh_token',
    'invalid_grant_type',
  ];
  if (grant.includes(code)) return code === 'invalid_grant_type' ? 'unsupported_grant_type' : 'invalid_grant';
  if (code === 'invalid_client_id' || code === 'bad_client_secret' || code === 'incorrect_client_credentials')
    return 'invalid_client';
  return code;
}
