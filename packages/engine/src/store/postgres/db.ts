import pg from 'pg';
import { TributaryError } from '@tributary/sdk';

/** What a query runs on: the pool or a client inside a transaction. */
export interface Tx {
  query<R extends pg.QueryResultRow = any>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

/** Runs `fn` in a transaction on one pooled client; rolls back on any error. */
export async function transaction<T>(pool: pg.Pool, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const client = await connect(pool);
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
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

/** Maps driver errors to our codes: connection loss is retryable, constraint names become conflicts. */
export function mapPgError(err: unknown): never {
  const e = err as { code?: string; message?: string; constraint?: string };
  if (e.code && /^(08|57P)/.test(e.code))
    throw new TributaryError('store_unavailable', `PostgreSQL connection lost: ${e.message}`, { cause: err });
  throw err;
}
