import type pg from 'pg';

/** Erases memories for privacy (see sqlite/erase.ts): content and every copy of it gone, a tombstone stays. */
export async function eraseMemoriesPg(pool: pg.Pool, ids: string[], now: string): Promise<number> {
  if (!ids.length) return 0;
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`DELETE FROM memory_versions WHERE memory_id = ANY($1::bigint[])`, [ids]);
    await client.query(`DELETE FROM chunks WHERE memory_id = ANY($1::bigint[])`, [ids]);
    const res = await client.query(
      `UPDATE memories SET content = '', title = NULL, url = NULL, author = NULL, container = NULL, thread = NULL,
         metadata = '{}', tags = '[]', content_hash = '', fingerprint = '', importance = NULL, domain = NULL,
         deleted_at = coalesce(deleted_at, $2), updated_at = $2
       WHERE id = ANY($1::bigint[])`,
      [ids, now],
    );
    await client.query('COMMIT');
    return res.rowCount ?? 0;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
