import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Checkpoint } from '@tributary/sdk';
import { TributaryError } from '@tributary/sdk/errors';
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

/** Sources, runs, leases, users, tokens, credentials and the small KV of the SQLite store. */
export function createAdmin(db: Database.Database, now: () => string, nowMs: () => number) {
  const featuresOf = db.prepare('SELECT feature, enabled FROM source_features WHERE source_id = ?');
  const checkpointOf = db.prepare('SELECT checkpoint FROM checkpoints WHERE source_id = ?');
  const sourceById = db.prepare('SELECT * FROM data_sources WHERE id = ?');
  const hydrate = (row: any): SourceRecord => {
    const features: Record<string, boolean> = {};
    for (const f of featuresOf.all(row.id) as Array<{ feature: string; enabled: number }>)
      features[f.feature] = f.enabled === 1;
    const cp = checkpointOf.get(row.id) as { checkpoint: string } | undefined;
    return toSource(row, features, cp?.checkpoint ?? null);
  };
  const setFeatures = (sourceId: string, features: Record<string, boolean>): void => {
    db.prepare('DELETE FROM source_features WHERE source_id = ?').run(sourceId);
    const ins = db.prepare('INSERT INTO source_features (source_id, feature, enabled) VALUES (?, ?, ?)');
    for (const [k, v] of Object.entries(features)) ins.run(sourceId, k, v ? 1 : 0);
  };
  const nameTaken = (err: unknown, name: string): never => {
    if (
      err instanceof Error &&
      /UNIQUE constraint failed: data_sources\.owner_id, data_sources\.name/.test(err.message)
    ) {
      throw new TributaryError('conflict', `A source named "${name}" already exists; choose another name.`, {
        issues: [{ path: 'name', message: 'already taken' }],
      });
    }
    if (err instanceof Error && /FOREIGN KEY constraint failed/.test(err.message)) {
      throw new TributaryError('not_found', 'The owner of this source does not exist.', {
        issues: [{ path: 'ownerId', message: 'unknown user' }],
      });
    }
    throw err;
  };

  const createSource = db.transaction((input: NewSource & { id: string }): SourceRecord => {
    const ts = now();
    try {
      db.prepare(
        `INSERT INTO data_sources (id, owner_id, source_type, name, config, schedule, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        input.id,
        input.ownerId,
        input.sourceType,
        input.name,
        JSON.stringify(input.config ?? {}),
        input.schedule ? JSON.stringify(input.schedule) : null,
        input.status ?? 'active',
        ts,
        ts,
      );
    } catch (err) {
      nameTaken(err, input.name);
    }
    setFeatures(input.id, input.features ?? {});
    return hydrate(sourceById.get(input.id));
  });

  const updateSource = db.transaction((id: string, patch: SourcePatch): SourceRecord => {
    const row = sourceById.get(id) as any;
    if (!row) throw new TributaryError('not_found', `No source with id ${id}.`);
    const sets: string[] = [];
    const params: unknown[] = [];
    const set = (col: string, value: unknown): void => {
      sets.push(`${col} = ?`);
      params.push(value);
    };
    if (patch.name !== undefined) set('name', patch.name);
    if (patch.config !== undefined) set('config', JSON.stringify(patch.config));
    if (patch.schedule !== undefined) set('schedule', patch.schedule ? JSON.stringify(patch.schedule) : null);
    if (patch.status !== undefined) set('status', patch.status);
    if (patch.errorMessage !== undefined) set('error_message', patch.errorMessage);
    if (patch.lastSyncAt !== undefined) set('last_sync_at', patch.lastSyncAt);
    set('updated_at', now());
    try {
      db.prepare(`UPDATE data_sources SET ${sets.join(', ')} WHERE id = ?`).run(...params, id);
    } catch (err) {
      nameTaken(err, patch.name ?? row.name);
    }
    if (patch.features !== undefined) setFeatures(id, patch.features);
    return hydrate(sourceById.get(id));
  });

  const runById = db.prepare('SELECT * FROM data_source_sync_history WHERE id = ?');

  return {
    createSource: (input: NewSource & { id: string }) => createSource.immediate(input),
    getSource: (id: string): SourceRecord | null => {
      const row = sourceById.get(id);
      return row ? hydrate(row) : null;
    },
    getSourceByName: (ownerId: string, name: string): SourceRecord | null => {
      const row = db.prepare('SELECT * FROM data_sources WHERE owner_id = ? AND name = ?').get(ownerId, name);
      return row ? hydrate(row) : null;
    },
    listSources: (filter: { ownerId?: string; sourceType?: string; status?: SourceStatus } = {}): SourceRecord[] => {
      const parts: string[] = [];
      const params: unknown[] = [];
      if (filter.ownerId) {
        parts.push('owner_id = ?');
        params.push(filter.ownerId);
      }
      if (filter.sourceType) {
        parts.push('source_type = ?');
        params.push(filter.sourceType);
      }
      if (filter.status) {
        parts.push('status = ?');
        params.push(filter.status);
      }
      const where = parts.length ? `WHERE ${parts.join(' AND ')}` : '';
      return (db.prepare(`SELECT * FROM data_sources ${where} ORDER BY created_at, name`).all(...params) as any[]).map(
        hydrate,
      );
    },
    updateSource: (id: string, patch: SourcePatch) => updateSource.immediate(id, patch),
    getCheckpoint: (sourceId: string): Checkpoint | null => {
      const row = checkpointOf.get(sourceId) as { checkpoint: string } | undefined;
      return row ? (JSON.parse(row.checkpoint) as Checkpoint) : null;
    },
    setCheckpoint: (sourceId: string, checkpoint: Checkpoint | null): void => {
      if (checkpoint === null) db.prepare('DELETE FROM checkpoints WHERE source_id = ?').run(sourceId);
      else
        db.prepare(
          `INSERT INTO checkpoints (source_id, checkpoint, run_id, updated_at) VALUES (?, ?, NULL, ?)
           ON CONFLICT (source_id) DO UPDATE SET checkpoint = excluded.checkpoint, updated_at = excluded.updated_at`,
        ).run(sourceId, JSON.stringify(checkpoint), now());
    },

    startRun: (input: { sourceId: string; mode: string; trigger: string }): RunRecord => {
      const id = randomUUID();
      const ts = now();
      db.prepare(
        `INSERT INTO data_source_sync_history (id, source_id, mode, trigger, status, started_at, heartbeat_at) VALUES (?, ?, ?, ?, 'running', ?, ?)`,
      ).run(id, input.sourceId, input.mode, input.trigger, ts, ts);
      return toRun(runById.get(id));
    },
    heartbeatRun: (runId: string): void => {
      db.prepare(`UPDATE data_source_sync_history SET heartbeat_at = ? WHERE id = ?`).run(now(), runId);
    },
    finishRun: (
      runId: string,
      outcome: {
        status: Exclude<RunStatus, 'running'>;
        mode?: string;
        error?: string | null;
        errorCode?: string | null;
        counts?: Partial<RunCounts>;
      },
    ): RunRecord => {
      const sets = ['status = ?', 'finished_at = ?', 'error = ?', 'error_code = ?'];
      const params: unknown[] = [outcome.status, now(), outcome.error ?? null, outcome.errorCode ?? null];
      if (outcome.mode) {
        sets.push('mode = ?');
        params.push(outcome.mode);
      }
      for (const [key, column] of RUN_COUNT_COLUMNS) {
        const value = outcome.counts?.[key];
        if (typeof value === 'number') {
          sets.push(`${column} = ?`);
          params.push(Math.round(value));
        }
      }
      db.prepare(`UPDATE data_source_sync_history SET ${sets.join(', ')} WHERE id = ?`).run(...params, runId);
      const row = runById.get(runId);
      if (!row) throw new TributaryError('not_found', `No run with id ${runId}.`);
      return toRun(row);
    },
    getRun: (runId: string): RunRecord | null => {
      const row = runById.get(runId);
      return row ? toRun(row) : null;
    },
    listRuns: (filter: { sourceId?: string; ownerId?: string; status?: RunStatus; limit?: number }): RunRecord[] => {
      const parts: string[] = [];
      const params: unknown[] = [];
      if (filter.sourceId) {
        parts.push('r.source_id = ?');
        params.push(filter.sourceId);
      }
      if (filter.ownerId) {
        parts.push('s.owner_id = ?');
        params.push(filter.ownerId);
      }
      if (filter.status) {
        parts.push('r.status = ?');
        params.push(filter.status);
      }
      const where = parts.length ? `WHERE ${parts.join(' AND ')}` : '';
      const limit = Math.max(1, Math.min(1000, filter.limit ?? 50));
      return (
        db
          .prepare(
            `SELECT r.* FROM data_source_sync_history r JOIN data_sources s ON s.id = r.source_id ${where} ORDER BY r.started_at DESC, r.rowid DESC LIMIT CAST(? AS INTEGER)`,
          )
          .all(...params, limit) as any[]
      ).map(toRun);
    },
    findStaleRuns: (cutoff: string): RunRecord[] =>
      (
        db
          .prepare(`SELECT * FROM data_source_sync_history WHERE status = 'running' AND heartbeat_at < ?`)
          .all(cutoff) as any[]
      ).map(toRun),

    acquireLease: (key: string, holder: string, ttlMs: number): boolean => {
      const t = nowMs();
      const r = db
        .prepare(
          `INSERT INTO leases (key, holder, expires_at) VALUES (?, ?, ?)
           ON CONFLICT (key) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
           WHERE leases.expires_at <= ? OR leases.holder = excluded.holder`,
        )
        .run(key, holder, t + ttlMs, t);
      return r.changes > 0;
    },
    renewLease: (key: string, holder: string, ttlMs: number): boolean =>
      db.prepare(`UPDATE leases SET expires_at = ? WHERE key = ? AND holder = ?`).run(nowMs() + ttlMs, key, holder)
        .changes > 0,
    releaseLease: (key: string, holder: string): void => {
      db.prepare(`DELETE FROM leases WHERE key = ? AND holder = ?`).run(key, holder);
    },
    getLease: (key: string): { holder: string; expiresAt: number } | null => {
      const row = db.prepare(`SELECT holder, expires_at FROM leases WHERE key = ?`).get(key) as
        { holder: string; expires_at: number } | undefined;
      return row ? { holder: row.holder, expiresAt: Number(row.expires_at) } : null;
    },

    createUser: (input: { id?: string; name: string; isAdmin?: boolean }) => {
      const id = input.id ?? randomUUID();
      db.prepare(`INSERT INTO users (id, name, is_admin, created_at) VALUES (?, ?, ?, ?)`).run(
        id,
        input.name,
        input.isAdmin ? 1 : 0,
        now(),
      );
      return toUser(db.prepare('SELECT * FROM users WHERE id = ?').get(id));
    },
    getUser: (id: string) => {
      const row = db.prepare('SELECT * FROM users WHERE id = ?').get(id);
      return row ? toUser(row) : null;
    },
    listUsers: () => (db.prepare('SELECT * FROM users ORDER BY created_at').all() as any[]).map(toUser),
    createToken: (input: {
      userId: string;
      name: string;
      tokenHash: string;
      readOnly?: boolean;
      scope?: 'api' | 'metrics';
    }) => {
      const id = randomUUID();
      db.prepare(
        `INSERT INTO api_tokens (id, user_id, name, token_hash, read_only, scope, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ).run(id, input.userId, input.name, input.tokenHash, input.readOnly ? 1 : 0, input.scope ?? 'api', now());
      return toToken(db.prepare('SELECT * FROM api_tokens WHERE id = ?').get(id));
    },
    findTokenByHash: (hash: string) => {
      const row = db.prepare('SELECT * FROM api_tokens WHERE token_hash = ?').get(hash);
      return row ? toToken(row) : null;
    },
    listTokens: (userId?: string) =>
      (userId
        ? db.prepare('SELECT * FROM api_tokens WHERE user_id = ? ORDER BY created_at').all(userId)
        : db.prepare('SELECT * FROM api_tokens ORDER BY created_at').all()
      ).map(toToken),
    touchToken: (id: string): void => {
      db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?').run(now(), id);
    },
    revokeToken: (id: string): boolean =>
      db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(now(), id).changes > 0,

    putCredential: (
      envelope: Omit<CredentialEnvelope, 'updatedAt' | 'revision'>,
      expectedRevision?: number,
    ): CredentialEnvelope => {
      const ts = now();
      const write = db.transaction(() => {
        const current = db.prepare('SELECT revision FROM credentials WHERE source_id = ?').get(envelope.sourceId) as
          { revision: number } | undefined;
        if (expectedRevision !== undefined && (current?.revision ?? 0) !== expectedRevision) {
          throw new TributaryError(
            'conflict',
            `The credential of source ${envelope.sourceId} changed concurrently (revision ${current?.revision ?? 0}, expected ${expectedRevision}).`,
          );
        }
        db.prepare(
          `INSERT INTO credentials (source_id, key_id, iv, tag, ciphertext, updated_at, revision) VALUES (?, ?, ?, ?, ?, ?, 1)
           ON CONFLICT (source_id) DO UPDATE SET key_id = excluded.key_id, iv = excluded.iv, tag = excluded.tag,
             ciphertext = excluded.ciphertext, updated_at = excluded.updated_at, revision = credentials.revision + 1`,
        ).run(envelope.sourceId, envelope.keyId, envelope.iv, envelope.tag, envelope.ciphertext, ts);
        return toEnvelope(db.prepare('SELECT * FROM credentials WHERE source_id = ?').get(envelope.sourceId));
      });
      return write.immediate();
    },
    getCredential: (sourceId: string) => {
      const row = db.prepare('SELECT * FROM credentials WHERE source_id = ?').get(sourceId);
      return row ? toEnvelope(row) : null;
    },
    listCredentials: () => (db.prepare('SELECT * FROM credentials ORDER BY source_id').all() as any[]).map(toEnvelope),
    deleteCredential: (sourceId: string): boolean =>
      db.prepare('DELETE FROM credentials WHERE source_id = ?').run(sourceId).changes > 0,

    kvPutIfAbsent: (ns: string, key: string, value: unknown, ttlMs: number): boolean => {
      const t = nowMs();
      return (
        db
          .prepare(
            `INSERT INTO kv (namespace, key, value, expires_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at WHERE kv.expires_at <= ?`,
          )
          .run(ns, key, JSON.stringify(value ?? null), t + ttlMs, t).changes > 0
      );
    },
    kvPut: (ns: string, key: string, value: unknown, ttlMs: number): void => {
      db.prepare(
        `INSERT INTO kv (namespace, key, value, expires_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
      ).run(ns, key, JSON.stringify(value ?? null), nowMs() + ttlMs);
    },
    kvGet: (ns: string, key: string): unknown => {
      const row = db
        .prepare('SELECT value FROM kv WHERE namespace = ? AND key = ? AND expires_at > ?')
        .get(ns, key, nowMs()) as { value: string } | undefined;
      return row ? JSON.parse(row.value) : null;
    },
    kvTake: (ns: string, key: string): unknown => {
      const row = db
        .prepare('DELETE FROM kv WHERE namespace = ? AND key = ? RETURNING value, expires_at')
        .get(ns, key) as { value: string; expires_at: number } | undefined;
      return row && row.expires_at > nowMs() ? JSON.parse(row.value) : null;
    },
    kvDelete: (ns: string, key: string): void => {
      db.prepare('DELETE FROM kv WHERE namespace = ? AND key = ?').run(ns, key);
    },
  };
}
