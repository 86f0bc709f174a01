import type pg from 'pg';
import { TributaryError } from '@tributary/sdk';

/** What a query runs on: the pool or a client inside a transaction. */
export interface Tx {
  query<R extends pg.QueryResultRow = any>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

/** Runs `fn` in a transaction on one pooled client; rolls back on any error. */
export async function transaction<T>(pool: pg.Pool, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const client = await connect(pool);
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    // A connection that died mid-transaction is destroyed, not handed back to the pool.
    if (isConnectionError(err)) broken = err as Error;
    else await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release(broken);
  }
}

export async function connect(pool: pg.Pool): Promise<pg.PoolClient> {
  try {
    return await pool.connect();
  } catch (err) {
    throw new TributaryError(
      'store_unavailable',
      `Cannot reach PostgreSQL: ${(err as Error).message}. Check TRIBUTARY_DATABASE_URL and that the server is running.`,
      { cause: err },
    );
  }
}

/** SQLSTATE classes and codes that mean "the server is not there right now", not "the query is wrong". */
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[123]|53300)$/;
/** Socket-level failures, and the messages `pg` uses for a connection lost or refused. */
const UNAVAILABLE_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'EAI_AGAIN']);
const UNAVAILABLE_MESSAGE =
  /Connection terminated|connection error and is not queryable|Client was closed and is not queryable|timeout exceeded when trying to connect|terminating connection/i;

/** Whether `err` says the database connection was lost or could not be made (a restart, a failover, a crash). */
export function isConnectionError(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  if (typeof e.code === 'string' && (UNAVAILABLE_SQLSTATE.test(e.code) || UNAVAILABLE_ERRNO.has(e.code))) return true;
  return typeof e.message === 'string' && UNAVAILABLE_MESSAGE.test(e.message);
}

/**
 * Maps a driver error once, at the store boundary: connection loss, admin shutdown (57P01), cannot-connect and
 * too-many-connections become the retryable `store_unavailable` (the runner waits the outage out, the queue retries
 * the job); anything else is returned unchanged.
 */
export function mapPgError(err: unknown): unknown {
  if (err instanceof TributaryError || !isConnectionError(err)) return err;
  return new TributaryError(
    'store_unavailable',
    `PostgreSQL is unavailable: ${(err as Error).message || (err as { code?: string }).code}`,
    { cause: err },
  );
}

/** Wraps every method of a store so its failures pass through {@link mapPgError}. */
export function withPgErrors<T extends object>(store: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(store)) {
    out[key] =
      typeof value === 'function'
        ? (...args: unknown[]) => {
            try {
              const result = (value as (...a: unknown[]) => unknown).apply(store, args);
              return result instanceof Promise
                ? result.catch((err: unknown) => Promise.reject(mapPgError(err)))
                : result;
            } catch (err) {
              throw mapPgError(err);
            }
          }
        : value;
  }
  return out as T;
}
