import { DiscordAPIError, REST } from '@discordjs/rest';
import { TributaryError, type ConnectorContext, type Credential } from '@tributary/sdk';
import type { DiscordConfig } from './config.js';

/** The bot token of a stored credential. */
export function botToken(credential: Credential | undefined): string {
  if (credential?.kind === 'token') return credential.token.replace(/^Bot\s+/i, '');
  throw new TributaryError(
    'auth_invalid',
    'No Discord bot token stored for this source: add the bot token from the Developer Portal (Bot → Reset Token).',
  );
}

/**
 * `@discordjs/rest` on the source's base URL and bot token. Its queue reads `X-RateLimit-Bucket`, `-Remaining` and
 * `-Reset-After` and waits before a bucket runs dry, so 429s are avoided rather than answered; its requests go
 * through `ctx.http` (`makeRequest`), the one layer that retries: a 429 that still comes (the global limit, a shared
 * bucket) waits `Retry-After` there, 5xx and cut connections are retried under the SDK's budget. The REST client's
 * own retries are off so nothing multiplies attempts, and its sweepers are off so no timer outlives a run.
 */
export function createRest(ctx: ConnectorContext<DiscordConfig>, token: string): REST {
  const rest = new REST({
    api: ctx.config.apiBaseUrl.replace(/\/+$/, ''),
    version: '10',
    retries: 0,
    timeout: 60_000,
    agent: null,
    handlerSweepInterval: 0,
    hashSweepInterval: 0,
    userAgentAppendix: 'tributary-discord-connector',
    makeRequest: async (url, init) =>
      ctx.http.fetch(url, { ...(init as RequestInit), buffer: true, signal: ctx.signal }) as never,
  });
  rest.on('rateLimited', (info) => {
    ctx.logger.debug('discord bucket wait', { route: info.route, ms: info.timeToReset, global: info.global });
  });
  return rest.setToken(token);
}

/** Maps a REST failure to a TributaryError with a code and a fix (never the token). */
export function toDiscordError(err: unknown, what: string): TributaryError {
  if (err instanceof TributaryError) return err;
  const cause = (err as { cause?: unknown })?.cause;
  if (cause instanceof TributaryError) return cause;
  if (err instanceof DiscordAPIError) {
    const msg = `${what}: Discord answered ${err.status} (${err.code}) ${err.message}`;
    if (err.status === 401)
      return new TributaryError('auth_invalid', `${msg} — the bot token is wrong or was reset`, { cause: err });
    if (err.status === 403)
      return new TributaryError(
        'permission_denied',
        `${msg} — invite the bot with View Channels and Read Message History`,
        { cause: err },
      );
    if (err.status === 404)
      return new TributaryError('not_found', `${msg} — check the guild or channel id`, { cause: err });
    if (err.status >= 500) return new TributaryError('upstream_unavailable', msg, { cause: err });
    return new TributaryError('upstream_error', msg, { cause: err });
  }
  return new TributaryError('upstream_error', `${what}: ${(err as Error)?.message ?? String(err)}`, { cause: err });
}

/** Whether an error is Discord's Missing Access / Missing Permissions on one channel (skipped, not fatal). */
export const isMissingAccess = (err: unknown): boolean =>
  err instanceof DiscordAPIError && err.status === 403 && (err.code === 50001 || err.code === 50013);
