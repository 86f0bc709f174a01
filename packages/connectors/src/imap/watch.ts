import { TributaryError, type ConnectorContext } from '@tributary/sdk';
import type { ImapFlow, ListResponse } from 'imapflow';
import { connect, displayPath, listFolders, resolveLogin, toImapError } from './client.js';
import type { ImapConfig } from './config.js';

/** IDLE watches one mailbox per connection: at most this many folders are watched (one connection each). */
export const MAX_WATCHED_FOLDERS = 5;
/** Backoff between reconnection attempts: doubles from the first delay up to the cap. */
export const RECONNECT_DELAY_MS = { first: 1_000, max: 60_000 } as const;
/** Errors that reconnecting cannot fix: `watch` rejects with them instead of retrying forever. */
const FATAL = new Set(['auth_invalid', 'invalid_config']);

type OnChange = (hints?: Record<string, unknown>) => void;

/** A folder to watch: the server path (to SELECT) and the display path (what hints and items name). */
export interface WatchedFolder {
  path: string;
  name: string;
}

/**
 * Which of the selected folders to watch. When the selection is everything (`includeFolders` holds `**`), only
 * INBOX — where new mail arrives — is watched; otherwise the selected folders, INBOX first, up to
 * {@link MAX_WATCHED_FOLDERS}. Folders left out are still synced by the scheduled syncs.
 */
export function chooseWatched(
  selected: ListResponse[],
  config: ImapConfig,
): { watched: WatchedFolder[]; skipped: string[] } {
  const all = selected.map((b) => ({ path: b.path, name: displayPath(b) }));
  const isInbox = (f: WatchedFolder): boolean => f.path.toUpperCase() === 'INBOX';
  if (config.includeFolders.includes('**')) {
    const inbox = all.filter(isInbox);
    if (inbox.length) return { watched: inbox, skipped: all.filter((f) => !isInbox(f)).map((f) => f.name) };
  }
  const ordered = [...all.filter(isInbox), ...all.filter((f) => !isInbox(f))];
  return {
    watched: ordered.slice(0, MAX_WATCHED_FOLDERS),
    skipped: ordered.slice(MAX_WATCHED_FOLDERS).map((f) => f.name),
  };
}

const backoff = (failures: number): number =>
  Math.min(RECONNECT_DELAY_MS.max, RECONNECT_DELAY_MS.first * 2 ** Math.max(0, failures - 1));

/** Sleeps on the context's clock; false when the watch was aborted meanwhile. */
async function pause(ctx: ConnectorContext<ImapConfig>, ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await ctx.clock.sleep(ms, signal);
    return true;
  } catch {
    return false;
  }
}

/** Resolves when the connection closes (logout, server BYE, dropped socket, or our own close on abort). */
const closed = (client: ImapFlow): Promise<void> => new Promise((resolve) => client.once('close', () => resolve()));

/**
 * Watches one folder over its own connection until `signal` aborts: EXAMINE, then imapflow's auto-IDLE; new
 * messages (`exists` growing), expunges and flag changes call `onChange({ folder })`. A lost connection is
 * reopened with backoff, and `onChange` is called once reconnected because changes may have been missed meanwhile.
 */
async function watchFolder(
  ctx: ConnectorContext<ImapConfig>,
  folder: WatchedFolder,
  onChange: OnChange,
  signal: AbortSignal,
  user: string,
): Promise<void> {
  const log = ctx.logger.child({ folder: folder.name });
  let failures = 0;
  let wasConnected = false;
  let current: ImapFlow | undefined;
  const onAbort = (): void => current?.close();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    while (!signal.aborted) {
      try {
        // IDLE right after the folder is opened (imapflow's default waits 15 s), restarted every 4 minutes so a
        // server or NAT timeout (RFC 2177 allows dropping after 30 min of silence) never ends it.
        current = await connect(ctx.config, ctx.credentials, {
          signal,
          imap: { autoIdleDelay: 200, maxIdleTime: 4 * 60_000 },
        });
        const client = current;
        const done = closed(client);
        if (signal.aborted) break;
        await client.mailboxOpen(folder.path, { readOnly: true });
        const notify = (): void => {
          if (!signal.aborted) onChange({ folder: folder.name });
        };
        client.on('exists', (e: { count: number; prevCount: number }) => {
          if (e.count > e.prevCount) notify();
        });
        client.on('expunge', notify);
        client.on('flags', notify);
        log.debug('imap watch: idling', { folder: folder.name, reconnected: wasConnected });
        if (wasConnected) notify();
        wasConnected = true;
        failures = 0;
        await done;
        if (!signal.aborted) log.info('imap watch: connection lost; reconnecting', { folder: folder.name });
      } catch (err) {
        if (signal.aborted) break;
        const e = err instanceof TributaryError ? err : toImapError(err, ctx.config, user);
        if (FATAL.has(e.code)) throw e;
        log.warn('imap watch: cannot watch the folder; retrying', {
          folder: folder.name,
          code: e.code,
          error: e.message,
        });
      } finally {
        current?.close();
        current = undefined;
      }
      if (signal.aborted) break;
      failures++;
      if (!(await pause(ctx, backoff(failures), signal))) break;
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/** Lists the folders to watch, retrying with backoff while the server is unreachable; undefined when aborted. */
async function foldersToWatch(
  ctx: ConnectorContext<ImapConfig>,
  signal: AbortSignal,
  user: string,
): Promise<WatchedFolder[] | undefined> {
  for (let failures = 1; !signal.aborted; failures++) {
    let client: ImapFlow | undefined;
    try {
      client = await connect(ctx.config, ctx.credentials, { signal });
      const { watched, skipped } = chooseWatched(await listFolders(client, ctx.config), ctx.config);
      if (skipped.length)
        ctx.logger.info('imap watch: some selected folders are not watched (synced on schedule)', {
          watched: watched.map((f) => f.name),
          skipped: skipped.length,
        });
      return watched;
    } catch (err) {
      if (signal.aborted) return undefined;
      const e = err instanceof TributaryError ? err : toImapError(err, ctx.config, user);
      if (FATAL.has(e.code)) throw e;
      ctx.logger.warn('imap watch: cannot list folders; retrying', { code: e.code, error: e.message });
    } finally {
      await client?.logout().catch(() => client?.close());
    }
    if (!(await pause(ctx, backoff(failures), signal))) return undefined;
  }
  return undefined;
}

/**
 * The `imap` connector's `watch`: IMAP IDLE on the watched folders (see {@link chooseWatched}), one connection each,
 * until `ctx.signal` aborts; then every connection is closed and the promise resolves. Returns at once when the
 * `realtime` feature is off.
 * @throws TributaryError `auth_invalid` / `invalid_config` (reconnecting cannot fix those); never on abort
 */
export async function watchImap(ctx: ConnectorContext<ImapConfig>, onChange: OnChange): Promise<void> {
  if (!ctx.features.realtime || ctx.signal.aborted) return;
  // One folder failing fatally stops the others too.
  const stop = new AbortController();
  const onAbort = (): void => stop.abort(ctx.signal.reason);
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  try {
    const { user } = await resolveLogin(ctx.config, ctx.credentials);
    const folders = await foldersToWatch(ctx, stop.signal, user);
    if (!folders?.length) return;
    const results = await Promise.allSettled(
      folders.map((f) =>
        watchFolder(ctx, f, onChange, stop.signal, user).catch((err: unknown) => {
          stop.abort(err);
          throw err;
        }),
      ),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed && !ctx.signal.aborted) throw failed.reason;
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
  }
}
