import { TributaryError, type Credential, type CredentialAccess } from '@tributary/sdk';
import { ImapFlow, type ImapFlowOptions, type ListResponse } from 'imapflow';
import picomatch from 'picomatch';
import type { ImapConfig } from './config.js';

/** Login name and password: the vault's `password` credential wins over the config fields. */
export async function resolveLogin(
  config: ImapConfig,
  credentials: CredentialAccess,
): Promise<{ user: string; pass: string }> {
  const cred: Credential | undefined = await credentials.get();
  const fromVault = cred?.kind === 'password' ? cred : undefined;
  const user = fromVault?.username ?? config.user;
  const pass = fromVault?.password ?? config.password;
  if (!user)
    throw new TributaryError(
      'invalid_config',
      'No IMAP login name: set `user` or store a password credential with a username.',
    );
  if (!pass)
    throw new TributaryError(
      'auth_invalid',
      'No IMAP password: store a password credential for this source (or set `password`).',
    );
  return { user, pass };
}

/** Maps imapflow's errors to Tributary codes (auth, network, timeouts). */
export function toImapError(err: unknown, config: ImapConfig, user: string): TributaryError {
  const e = err as {
    authenticationFailed?: boolean;
    code?: string;
    message?: string;
    responseText?: string;
    serverResponseCode?: string;
  };
  const where = `${config.host}:${port(config)}`;
  if (e?.authenticationFailed) {
    const said = e.responseText ? ` (server said: ${e.responseText})` : '';
    return new TributaryError(
      'auth_invalid',
      `IMAP login to ${where} failed for "${user}": check the username and password${said}.`,
      { cause: err },
    );
  }
  if (
    e?.code === 'ECONNREFUSED' ||
    e?.code === 'ENOTFOUND' ||
    e?.code === 'EHOSTUNREACH' ||
    e?.code === 'ECONNRESET' ||
    e?.code === 'EAI_AGAIN'
  ) {
    return new TributaryError(
      'upstream_unavailable',
      `Cannot reach the IMAP server ${where}: ${e.code}. Check host, port and \`secure\`.`,
      { cause: err },
    );
  }
  if (e?.code === 'ETIMEOUT' || e?.code === 'GREETING_TIMEOUT' || e?.code === 'UPGRADE_TIMEOUT') {
    return new TributaryError('timeout', `The IMAP server ${where} did not answer in time (${e.code}).`, {
      cause: err,
    });
  }
  if (e instanceof TributaryError) return e;
  return new TributaryError('upstream_error', `IMAP error from ${where}: ${e?.message ?? String(err)}`, { cause: err });
}

export const port = (config: ImapConfig): number => config.port ?? (config.secure ? 993 : 143);

/** Extra connection settings: `signal` closes a connection attempt still in progress when it aborts. */
export interface ConnectOptions {
  signal?: AbortSignal;
  imap?: Pick<ImapFlowOptions, 'autoIdleDelay' | 'maxIdleTime'>;
}

/**
 * Connects and logs in.
 * @throws TributaryError `auth_invalid` on a refused login, `upstream_unavailable` / `timeout` when unreachable
 */
export async function connect(
  config: ImapConfig,
  credentials: CredentialAccess,
  options: ConnectOptions = {},
): Promise<ImapFlow> {
  const { user, pass } = await resolveLogin(config, credentials);
  const client = new ImapFlow({
    ...options.imap,
    host: config.host,
    port: port(config),
    secure: config.secure,
    tls: { rejectUnauthorized: config.rejectUnauthorized },
    auth: { user, pass },
    logger: false,
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 300_000,
  });
  // A dropped connection is reported through the failing command; without a listener 'error' would crash the process.
  client.on('error', () => undefined);
  const onAbort = (): void => client.close();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    options.signal?.throwIfAborted();
    await client.connect();
  } catch (err) {
    client.close();
    throw toImapError(err, config, user);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  return client;
}

/** A folder path with the server's delimiter shown as "/" (what include/exclude globs match). */
export function displayPath(box: ListResponse): string {
  return box.delimiter && box.delimiter !== '/' ? box.path.split(box.delimiter).join('/') : box.path;
}

/** Selectable folders that pass includeFolders/excludeFolders, sorted by path. */
export async function listFolders(client: ImapFlow, config: ImapConfig): Promise<ListResponse[]> {
  const include = picomatch(config.includeFolders, { dot: true, nocase: false });
  const exclude = config.excludeFolders.length ? picomatch(config.excludeFolders, { dot: true }) : () => false;
  const boxes = await client.list();
  return boxes
    .filter((b) => !b.flags.has('\\Noselect') && !b.flags.has('\\NonExistent'))
    .filter((b) => include(displayPath(b)) && !exclude(displayPath(b)))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** IMAP system flags → plain names (`\Seen` → `seen`); keywords stay as they are; `\Recent` (per session) is dropped. */
export function flagNames(flags: Set<string> | undefined): string[] {
  return [...(flags ?? [])]
    .filter((f) => f !== '\\Recent')
    .map((f) => (f.startsWith('\\') ? f.slice(1).toLowerCase() : f))
    .sort();
}
