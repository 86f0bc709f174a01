import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { TributaryError, type Checkpoint } from '@tributary/sdk';
import { RUN_COUNT_COLUMNS } from '../run-columns.js';
import type {
  CredentialEnvelope,
  NewSource,
  RunCounts,
  RunRecord,
  RunStatus,
  SourcePatch,
  SourceRecord,
  SourceStatus,
} from '../types.js';
import { toEnvelope, toRun, toSource, toToken, toUser } from '../rows.js';
import { transaction, type Tx } from './db.js';

/** Sources, runs, leases, users, tokens, credentials and the KV on PostgreSQL. */
export function createPgAdmin(pool: pg.Pool, now: () => string, nowMs: () => number) {
  const hydrate = async (db: Tx, row: any): Promise<SourceRecord> => {
    const features: Record<string, boolean> = {};
    for (const f of (await db.query('SELECT feature, enabled FROM source_features WHERE source_id = $1', [row.id]))
      .rows)
      features[f.feature] = f.enabled;
    const cp = (await db.query('SELECT checkpoint FROM checkpoints WHERE source_id = $1', [row.id])).rows[0];
    return toSource(row, features, cp ? JSON.stringify(cp.checkpoint) : null);
  };
  const setFeatures = async (db: Tx, sourceId: string, features: Record<string, boolean>): Promise<void> => {
    await db.query('DELETE FROM source_features WHERE source_id = $1', [sourceId]);
    for (const [k, v] of Object.entries(features))
      await db.query('INSERT INTO source_features (source_id, feature, enabled) VALUES ($1, $2, $3)', [sourceId, k, v]);
  };
  const constraint = (err: unknown, name: string): never => {
    const e = err as { code?: string; constraint?: string };
    if (e.code === '23505' && e.constraint === 'data_sources_owner_id_name_key') {
      throw new TributaryError('conflict', `A source named "${name}" already exists; choose another name.`, {
        issues: [{ path: 'name', message: 'already taken' }],
      });
    }
    if (e.code === '23503')
      throw new TributaryError('not_found', 'The owner of this source does not exist.', {
        issues: [{ path: 'ownerId', message: 'unknown user' }],
      });
    throw err;
  };
  const purge = async (tx: Tx, id: string): Promise<number> => {
    await tx.query('DELETE FROM chunks WHERE memory_id IN (SELECT id FROM memories WHERE source_id = $1)', [id]);
    const n = (await tx.query('DELETE FROM memories WHERE source_id = $1', [id])).rowCount ?? 0;
    await tx.query('DELETE FROM checkpoints WHERE source_id = $1', [id]);
    await tx.query('DELETE FROM connector_state WHERE source_id = $1', [id]);
    return n;
  };
  const getRun = async (id: string): Promise<RunRecord | null> => {
    const row = (await pool.query('SELECT * FROM data_source_sync_history WHERE id = $1', [id])).rows[0];
    return row ? toRun(row) : null;
  };

  return {
    createSource: (input: NewSource & { id: string }) =>
      transaction(pool, async (tx) => {
        const ts = now();
        try {
          await tx.query(
            `INSERT INTO data_sources (id, owner_id, source_type, name, config, schedule, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`,
            [
              input.id,
              input.ownerId,
              input.sourceType,
              input.name,
              JSON.stringify(input.config ?? {}),
              input.schedule ? JSON.stringify(input.schedule) : null,
              input.status ?? 'active',
              ts,
            ],
          );
        } catch (err) {
          constraint(err, input.name);
        }
        await setFeatures(tx, input.id, input.features ?? {});
        return hydrate(tx, (await tx.query('SELECT * FROM data_sources WHERE id = $1', [input.id])).rows[0]);
      }),
    getSource: async (id: string) => {
      const row = (await pool.query('SELECT * FROM data_sources WHERE id = $1', [id])).rows[0];
      return row ? hydrate(pool, row) : null;
    },
    getSourceByName: async (ownerId: string, name: string) => {
      const row = (await pool.query('SELECT * FROM data_sources WHERE owner_id = $1 AND name = $2', [ownerId, name]))
        .rows[0];
      return row ? hydrate(pool, row) : null;
    },
    listSources: async (filter: { ownerId?: string; sourceType?: string; status?: SourceStatus } = {}) => {
      const parts: string[] = [];
      const params: unknown[] = [];
      if (filter.ownerId) parts.push(`owner_id = $${params.push(filter.ownerId)}`);
      if (filter.sourceType) parts.push(`source_type = $${params.push(filter.sourceType)}`);
      if (filter.status) parts.push(`status = $${params.push(filter.status)}`);
      const rows = (
        await pool.query(
          `SELECT * FROM data_sources ${parts.length ? `WHERE ${parts.join(' AND ')}` : ''} ORDER BY created_at, name`,
          params,
        )
      ).rows;
      return Promise.all(rows.map((r) => hydrate(pool, r)));
    },
    updateSource: (id: string, patch: SourcePatch) =>
      transaction(pool, async (tx) => {
        const row = (await tx.query('SELECT * FROM data_sources WHERE id = $1 FOR UPDATE', [id])).rows[0];
        if (!row) throw new TributaryError('not_found', `No source with id ${id}.`);
        const sets: string[] = [];
        const params: unknown[] = [];
        const set = (col: string, value: unknown): void => {
          sets.push(`${col} = $${params.push(value)}`);
        };
        if (patch.name !== undefined) set('name', patch.name);
        if (patch.config !== undefined) set('config', JSON.stringify(patch.config));
        if (patch.schedule !== undefined) set('schedule', patch.schedule ? JSON.stringify(patch.schedule) : null);
        if (patch.status !== undefined) set('status', patch.status);
        if (patch.errorMessage !== undefined) set('error_message', patch.errorMessage);
        if (patch.lastSyncAt !== undefined) set('last_sync_at', patch.lastSyncAt);
        set('updated_at', now());
        try {
          await tx.query('SAVEPOINT upd');
          await tx.query(`UPDATE data_sources SET ${sets.join(', ')} WHERE id = $${params.push(id)}`, params);
        } catch (err) {
          await tx.query('ROLLBACK TO SAVEPOINT upd');
          constraint(err, patch.name ?? row.name);
        }
        if (patch.features !== undefined) await setFeatures(tx, id, patch.features);
        return hydrate(tx, (await tx.query('SELECT * FROM data_sources WHERE id = $1', [id])).rows[0]);
      }),
    deleteSource: (id: string) =>
      transaction(pool, async (tx) => {
        await purge(tx, id);
        return ((await tx.query('DELETE FROM data_sources WHERE id = $1', [id])).rowCount ?? 0) > 0;
      }),
    purgeSourceData: (id: string) => transaction(pool, (tx) => purge(tx, id)),
    getCheckpoint: async (sourceId: string): Promise<Checkpoint | null> =>
      (await pool.query('SELECT checkpoint FROM checkpoints WHERE source_id = $1', [sourceId])).rows[0]?.checkpoint ??
      null,
    setCheckpoint: async (sourceId: string, checkpoint: Checkpoint | null): Promise<void> => {
      if (checkpoint === null) await pool.query('DELETE FROM checkpoints WHERE source_id = $1', [sourceId]);
      else
        await pool.query(
          `INSERT INTO checkpoints (source_id, checkpoint, run_id, updated_at) VALUES ($1, $2::jsonb, NULL, $3)
           ON CONFLICT (source_id) DO UPDATE SET checkpoint = excluded.checkpoint, updated_at = excluded.updated_at`,
          [sourceId, JSON.stringify(checkpoint), now()],
        );
    },

    startRun: async (input: { sourceId: string; mode: string; trigger: string }): Promise<RunRecord> => {
      const id = randomUUID();
      const ts = now();
      await pool.query(
        `INSERT INTO data_source_sync_history (id, source_id, mode, trigger, status, started_at, heartbeat_at) VALUES ($1, $2, $3, $4, 'running', $5, $5)`,
        [id, input.sourceId, input.mode, input.trigger, ts],
      );
      return (await getRun(id))!;
    },
    heartbeatRun: async (runId: string): Promise<void> => {
      await pool.query('UPDATE data_source_sync_history SET heartbeat_at = $1 WHERE id = $2', [now(), runId]);
    },
    finishRun: async (
      runId: string,
      outcome: {
        status: Exclude<RunStatus, 'running'>;
        mode?: string;
        error?: string | null;
        errorCode?: string | null;
        counts?: Partial<RunCounts>;
      },
    ) => {
      const params: unknown[] = [outcome.status, now(), outcome.error ?? null, outcome.errorCode ?? null];
      const sets = ['status = $1', 'finished_at = $2', 'error = $3', 'error_code = $4'];
      if (outcome.mode) sets.push(`mode = $${params.push(outcome.mode)}`);
      for (const [key, column] of RUN_COUNT_COLUMNS) {
        const value = outcome.counts?.[key];
        if (typeof value === 'number') sets.push(`${column} = $${params.push(Math.round(value))}`);
      }
      await pool.query(
        `UPDATE data_source_sync_history SET ${sets.join(', ')} WHERE id = $${params.push(runId)}`,
        params,
      );
      const run = await getRun(runId);
      if (!run) throw new TributaryError('not_found', `No run with id ${runId}.`);
      return run;
    },
    getRun,
    listRuns: async (filter: { sourceId?: string; ownerId?: string; status?: RunStatus; limit?: number }) => {
      const parts: string[] = [];
      const params: unknown[] = [];
      if (filter.sourceId) parts.push(`r.source_id = $${params.push(filter.sourceId)}`);
      if (filter.ownerId) parts.push(`s.owner_id = $${params.push(filter.ownerId)}`);
      if (filter.status) parts.push(`r.status = $${params.push(filter.status)}`);
      const limit = Math.max(1, Math.min(1000, filter.limit ?? 50));
      const sql = `SELECT r.* FROM data_source_sync_history r JOIN data_sources s ON s.id = r.source_id ${parts.length ? `WHERE ${parts.join(' AND ')}` : ''} ORDER BY r.started_at DESC, r.seq DESC LIMIT $${params.push(limit)}`;
      return (await pool.query(sql, params)).rows.map(toRun);
    },
    findStaleRuns: async (cutoff: string) =>
      (
        await pool.query(`SELECT * FROM data_source_sync_history WHERE status = 'running' AND heartbeat_at < $1`, [
          cutoff,
        ])
      ).rows.map(toRun),

    acquireLease: async (key: string, holder: string, ttlMs: number) => {
      const t = nowMs();
      const r = await pool.query(
        `INSERT INTO leases (key, holder, expires_at) VALUES ($1, $2, $3)
         ON CONFLICT (key) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
         WHERE leases.expires_at <= $4 OR leases.holder = excluded.holder`,
        [key, holder, t + ttlMs, t],
      );
      return (r.rowCount ?? 0) > 0;
    },
    renewLease: async (key: string, holder: string, ttlMs: number) =>
      ((
        await pool.query('UPDATE leases SET expires_at = $1 WHERE key = $2 AND holder = $3', [
          nowMs() + ttlMs,
          key,
          holder,
        ])
      ).rowCount ?? 0) > 0,
    releaseLease: async (key: string, holder: string) => {
      await pool.query('DELETE FROM leases WHERE key = $1 AND holder = $2', [key, holder]);
    },
    getLease: async (key: string) => {
      const row = (await pool.query('SELECT holder, expires_at FROM leases WHERE key = $1', [key])).rows[0];
      return row ? { holder: row.holder as string, expiresAt: Number(row.expires_at) } : null;
    },

    createUser: async (input: { id?: string; name: string; isAdmin?: boolean }) => {
      const id = input.id ?? randomUUID();
      return toUser(
        (
          await pool.query('INSERT INTO users (id, name, is_admin, created_at) VALUES ($1, $2, $3, $4) RETURNING *', [
            id,
            input.name,
            Boolean(input.isAdmin),
            now(),
          ])
        ).rows[0],
      );
    },
    getUser: async (id: string) => {
      const row = (await pool.query('SELECT * FROM users WHERE id = $1', [id])).rows[0];
      return row ? toUser(row) : null;
    },
    listUsers: async () => (await pool.query('SELECT * FROM users ORDER BY created_at')).rows.map(toUser),
    createToken: async (input: {
      userId: string;
      name: string;
      tokenHash: string;
      readOnly?: boolean;
      scope?: 'api' | 'metrics';
    }) =>
      toToken(
        (
          await pool.query(
            'INSERT INTO api_tokens (id, user_id, name, token_hash, read_only, scope, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *',
            [
              randomUUID(),
              input.userId,
              input.name,
              input.tokenHash,
              Boolean(input.readOnly),
              input.scope ?? 'api',
              now(),
            ],
          )
        ).rows[0],
      ),
    findTokenByHash: async (hash: string) => {
      const row = (await pool.query('SELECT * FROM api_tokens WHERE token_hash = $1', [hash])).rows[0];
      return row ? toToken(row) : null;
    },
    listTokens: async (userId?: string) =>
      (userId
        ? await pool.query('SELECT * FROM api_tokens WHERE user_id = $1 ORDER BY created_at', [userId])
        : await pool.query('SELECT * FROM api_tokens ORDER BY created_at')
      ).rows.map(toToken),
    touchToken: async (id: string) => {
      await pool.query('UPDATE api_tokens SET last_used_at = $1 WHERE id = $2', [now(), id]);
    },
    revokeToken: async (id: string) =>
      ((await pool.query('UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [now(), id]))
        .rowCount ?? 0) > 0,

    putCredential: (envelope: Omit<CredentialEnvelope, 'updatedAt' | 'revision'>, expectedRevision?: number) =>
      transaction(pool, async (tx) => {
        const current = (
          await tx.query('SELECT revision FROM credentials WHERE source_id = $1 FOR UPDATE', [envelope.sourceId])
        ).rows[0];
        if (expectedRevision !== undefined && (current ? Number(current.revision) : 0) !== expectedRevision) {
          throw new TributaryError(
            'conflict',
            `The credential of source ${envelope.sourceId} changed concurrently (revision ${current?.revision ?? 0}, expected ${expectedRevision}).`,
          );
        }
        const row = (
          await tx.query(
            `INSERT INTO credentials (source_id, key_id, iv, tag, ciphertext, updated_at, revision) VALUES ($1, $2, $3, $4, $5, $6, 1)
             ON CONFLICT (source_id) DO UPDATE SET key_id = excluded.key_id, iv = excluded.iv, tag = excluded.tag, ciphertext = excluded.ciphertext,
               updated_at = excluded.updated_at, revision = credentials.revision + 1
             RETURNING *`,
            [envelope.sourceId, envelope.keyId, envelope.iv, envelope.tag, envelope.ciphertext, now()],
          )
        ).rows[0];
        return toEnvelope(row);
      }),
    getCredential: async (sourceId: string) => {
      const row = (await pool.query('SELECT * FROM credentials WHERE source_id = $1', [sourceId])).rows[0];
      return row ? toEnvelope(row) : null;
    },
    listCredentials: async () =>
      (await pool.query('SELECT * FROM credentials ORDER BY source_id')).rows.map(toEnvelope),
    deleteCredential: async (sourceId: string) =>
      ((await pool.query('DELETE FROM credentials WHERE source_id = $1', [sourceId])).rowCount ?? 0) > 0,

    kvPutIfAbsent: async (ns: string, key: string, value: unknown, ttlMs: number) => {
      const t = nowMs();
      const r = await pool.query(
        `INSERT INTO kv (namespace, key, value, expires_at) VALUES ($1, $2, $3::jsonb, $4)
         ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at WHERE kv.expires_at <= $5`,
        [ns, key, JSON.stringify(value ?? null), t + ttlMs, t],
      );
      return (r.rowCount ?? 0) > 0;
    },
    kvPut: async (ns: string, key: string, value: unknown, ttlMs: number): Promise<void> => {
      await pool.query(
        `INSERT INTO kv (namespace, key, value, expires_at) VALUES ($1, $2, $3::jsonb, $4)
         ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
        [ns, key, JSON.stringify(value ?? null), nowMs() + ttlMs],
      );
    },
    kvGet: async (ns: string, key: string) =>
      (
        await pool.query('SELECT value FROM kv WHERE namespace = $1 AND key = $2 AND expires_at > $3', [
          ns,
          key,
          nowMs(),
        ])
      ).rows[0]?.value ?? null,
    kvTake: async (ns: string, key: string) => {
      const row = (
        await pool.query('DELETE FROM kv WHERE namespace = $1 AND key = $2 RETURNING value, expires_at', [ns, key])
      ).rows[0];
      return row && Number(row.expires_at) > nowMs() ? row.value : null;
    },
    kvDelete: async (ns: string, key: string) => {
      await pool.query('DELETE FROM kv WHERE namespace = $1 AND key = $2', [ns, key]);
    },
  };
}
