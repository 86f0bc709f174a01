import type { ConnectorContext } from '@tributary/sdk';
import { TributaryError } from '@tributary/sdk';
import { openReadOnly } from './client.js';

/**
 * Polls chats.db every `pollIntervalMs` for the newest change id (one indexed lookup, read-only) and reports a
 * change when it grew; the host turns that into an incremental sync, so a new chat row is searchable within
 * about one interval plus the host's debounce. Reports once at start to catch up on rows written while nobody
 * watched. A database that is missing or busy for a moment is retried at the next poll, not fatal.
 */
export async function watchChangeStream(
  ctx: ConnectorContext<{ dbPath: string; pollIntervalMs: number }>,
  onChange: (hints?: Record<string, unknown>) => void,
): Promise<void> {
  const { dbPath, pollIntervalMs } = ctx.config;
  let last: number | undefined;
  let db: ReturnType<typeof openReadOnly> | undefined;
  const newest = (): number | undefined => {
    try {
      db ??= openReadOnly(dbPath);
      const row = db.prepare('SELECT max(id) AS id FROM change_stream').get() as { id: number | null };
      return row.id ?? 0;
    } catch (err) {
      db?.close();
      db = undefined;
      const message = err instanceof TributaryError ? err.message : (err as Error).message;
      ctx.logger.warn('claude-stream: cannot poll the database; retrying', { error: message });
      return undefined;
    }
  };
  try {
    onChange();
    last = newest();
    while (!ctx.signal.aborted) {
      await ctx.clock.sleep(pollIntervalMs, ctx.signal).catch(() => undefined);
      if (ctx.signal.aborted) break;
      const now = newest();
      if (now !== undefined && now !== last) {
        onChange({ newestChangeId: now });
        last = now;
      }
    }
  } finally {
    db?.close();
  }
}
