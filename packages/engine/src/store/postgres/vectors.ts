import type pg from 'pg';
import { TributaryError } from '@tributary/sdk';
import {
  assertK,
  assertVector,
  unknownModel,
  type VectorFilter,
  type VectorIndex,
  type VectorMatch,
  type VectorModel,
  type VectorScope,
} from '../vector-port.js';
import { transaction, type Tx } from './db.js';

/** pgvector's HNSW index takes at most 2000 dimensions for the `vector` type. */
const HNSW_MAX_DIMENSIONS = 2000;

export interface PgvectorState {
  enabled: boolean;
  reason: string;
  /** The schema holding the extension's type and operators. */
  extSchema: string | null;
}

export const PGVECTOR_UNKNOWN: PgvectorState = {
  enabled: false,
  reason: 'the store is not migrated yet',
  extSchema: null,
};

const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/**
 * Creates the `vector` extension where the server has it (inside the migration transaction, behind a savepoint so a
 * missing privilege never fails the core schema) and says why vectors are off where it has not.
 */
export async function detectPgvector(client: pg.PoolClient): Promise<PgvectorState> {
  const available = await client.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'vector'`);
  if (!available.rows.length)
    return {
      enabled: false,
      reason:
        'the PostgreSQL server has no pgvector extension; install postgresql-<major>-pgvector (or use the pgvector/pgvector image) and restart — until then full-text search is used (keyword mode only)',
      extSchema: null,
    };
  await client.query('SAVEPOINT tributary_pgvector');
  try {
    await client.query('CREATE EXTENSION IF NOT EXISTS vector');
    await client.query('RELEASE SAVEPOINT tributary_pgvector');
  } catch (err) {
    await client.query('ROLLBACK TO SAVEPOINT tributary_pgvector');
    return {
      enabled: false,
      reason: `pgvector is installed but CREATE EXTENSION vector failed (${(err as Error).message}); run it once as a superuser — until then full-text search is used (keyword mode only)`,
      extSchema: null,
    };
  }
  const { rows } = await client.query(
    `SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'vector'`,
  );
  return {
    enabled: true,
    reason: 'pgvector: vectors in PostgreSQL (cosine, HNSW)',
    extSchema: String(rows[0].nspname),
  };
}

export interface PgVectorOptions {
  /** From this many vectors of a model on, unfiltered searches use the HNSW index; below, exact scans. @default 20000 */
  annMin?: number;
}

const literal = (v: ArrayLike<number>): string => `[${Array.from(v).join(',')}]`;

/**
 * The vector port on pgvector: one table per model (`vec_m<n>`: point id → `vector(D)`, HNSW cosine index up to
 * 2000 dimensions), scopes in `vector_scopes`. A filtered search, or a small model, scans exactly (the HNSW index
 * filters after its candidate list, which can return fewer than k); a large unfiltered one walks the index.
 */
export function createPgVectorIndex(
  pool: pg.Pool,
  state: () => PgvectorState,
  now: () => string,
  options: PgVectorOptions = {},
): VectorIndex {
  const annMin = options.annMin ?? 20_000;
  const cache = new Map<string, { table: string; dimensions: number }>();
  const sql = () => {
    const s = state();
    if (!s.enabled || !s.extSchema)
      throw new TributaryError('store_unavailable', `Vector search is off: ${s.reason}`, { retryable: false });
    const q = ident(s.extSchema);
    return { type: `${q}.vector`, distance: `OPERATOR(${q}.<=>)`, ops: `${q}.vector_cosine_ops` };
  };
  const model = async (id: string, db: Tx = pool) => {
    let m = cache.get(id);
    if (!m) {
      const { rows } = await db.query(`SELECT dimensions, tbl FROM vector_models WHERE id = $1`, [id]);
      if (!rows.length) throw unknownModel(id);
      m = { table: `vec_m${rows[0].tbl}`, dimensions: Number(rows[0].dimensions) };
      cache.set(id, m);
    }
    return m;
  };
  // Counting a model's vectors scans them; every search reports coverage, so counts are cached for 10 s (and
  // dropped after this process's own writes). The path choice uses the same count.
  const sizes = new Map<string, { n: number; at: number }>();
  const size = async (id: string): Promise<number> => {
    const seen = sizes.get(id);
    if (seen && Date.now() - seen.at < 10_000) return seen.n;
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM vector_points WHERE model = $1`, [id]);
    sizes.set(id, { n: Number(rows[0].n), at: Date.now() });
    return Number(rows[0].n);
  };
  const scopeSql = (filter: VectorFilter | undefined, params: unknown[]): string => {
    const parts: string[] = [];
    if (filter?.ownerId !== undefined) parts.push(`owner_id = $${params.push(filter.ownerId)}`);
    if (filter?.sourceIds) parts.push(`source_id = ANY($${params.push(filter.sourceIds)}::text[])`);
    return parts.length ? `SELECT point_id FROM vector_scopes WHERE ${parts.join(' AND ')}` : '';
  };
  const writeScopes = async (tx: Tx, ids: Array<string | number>, scopes: VectorScope[][]): Promise<void> => {
    await tx.query(`DELETE FROM vector_scopes WHERE point_id = ANY($1::bigint[])`, [ids]);
    const flat = ids.flatMap((id, i) => scopes[i]!.map((s) => [id, s.ownerId, s.sourceId] as const));
    if (flat.length)
      await tx.query(
        `INSERT INTO vector_scopes (point_id, owner_id, source_id)
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[]) ON CONFLICT DO NOTHING`,
        [flat.map((f) => f[0]), flat.map((f) => f[1]), flat.map((f) => f[2])],
      );
  };

  return {
    backend: 'pgvector',

    async ensureModel(spec: VectorModel) {
      const { type, ops } = sql();
      if (!Number.isInteger(spec.dimensions) || spec.dimensions < 1 || spec.dimensions > 16_000)
        throw new TributaryError(
          'invalid_config',
          `An embedding dimension must be a whole number from 1 to 16000 (got ${spec.dimensions}).`,
        );
      await transaction(pool, async (tx) => {
        await tx.query(`LOCK TABLE vector_models IN EXCLUSIVE MODE`);
        const { rows } = await tx.query(`SELECT dimensions FROM vector_models WHERE id = $1`, [spec.id]);
        if (rows.length) {
          if (Number(rows[0].dimensions) !== spec.dimensions)
            throw new TributaryError(
              'invalid_config',
              `Vectors of the model "${spec.id}" are stored with ${rows[0].dimensions} dimensions, not ${spec.dimensions}; use another model id or drop its vectors (reindex --embeddings).`,
            );
          return;
        }
        const tbl = Number((await tx.query(`SELECT coalesce(max(tbl), 0) + 1 AS n FROM vector_models`)).rows[0].n);
        await tx.query(
          `CREATE TABLE vec_m${tbl} (point_id BIGINT PRIMARY KEY REFERENCES vector_points(id) ON DELETE CASCADE, embedding ${type}(${spec.dimensions}) NOT NULL)`,
        );
        if (spec.dimensions <= HNSW_MAX_DIMENSIONS)
          await tx.query(`CREATE INDEX vec_m${tbl}_hnsw ON vec_m${tbl} USING hnsw (embedding ${ops})`);
        await tx.query(`INSERT INTO vector_models (id, dimensions, tbl, created_at) VALUES ($1, $2, $3, $4)`, [
          spec.id,
          spec.dimensions,
          tbl,
          now(),
        ]);
      });
    },

    async models() {
      const { rows } = await pool.query(`SELECT id, dimensions FROM vector_models ORDER BY tbl`);
      const out = [];
      for (const r of rows) out.push({ id: r.id as string, dimensions: Number(r.dimensions), count: await size(r.id) });
      return out;
    },

    async upsert(modelId, input) {
      const { type } = sql();
      const m = await model(modelId);
      for (const p of input) assertVector(p.vector, m.dimensions);
      // One row per hash (the last wins): ON CONFLICT may not touch a row twice in one statement.
      const points = [...new Map(input.map((p) => [p.hash, p])).values()];
      if (!points.length) return;
      await transaction(pool, async (tx) => {
        const { rows } = await tx.query(
          `INSERT INTO vector_points (model, hash) SELECT $1, unnest($2::text[])
           ON CONFLICT (model, hash) DO UPDATE SET hash = EXCLUDED.hash RETURNING id, hash`,
          [modelId, points.map((p) => p.hash)],
        );
        const ids = new Map(rows.map((r) => [r.hash as string, r.id as string]));
        const ordered = points.map((p) => ids.get(p.hash)!);
        await tx.query(
          `INSERT INTO ${m.table} (point_id, embedding) SELECT x.id, x.v::${type} FROM unnest($1::bigint[], $2::text[]) AS x(id, v)
           ON CONFLICT (point_id) DO UPDATE SET embedding = EXCLUDED.embedding`,
          [ordered, points.map((p) => literal(p.vector))],
        );
        await writeScopes(
          tx,
          ordered,
          points.map((p) => p.scopes),
        );
      });
      sizes.delete(modelId);
    },

    async setScopes(modelId, entries) {
      await model(modelId);
      if (!entries.length) return 0;
      return transaction(pool, async (tx) => {
        const { rows } = await tx.query(
          `SELECT id, hash FROM vector_points WHERE model = $1 AND hash = ANY($2::text[])`,
          [modelId, entries.map((e) => e.hash)],
        );
        const ids = new Map(rows.map((r) => [r.hash as string, r.id as string]));
        const found = entries.filter((e) => ids.has(e.hash));
        await writeScopes(
          tx,
          found.map((e) => ids.get(e.hash)!),
          found.map((e) => e.scopes),
        );
        return found.length;
      });
    },

    async has(modelId, hashes) {
      await model(modelId);
      if (!hashes.length) return new Set();
      const { rows } = await pool.query(`SELECT hash FROM vector_points WHERE model = $1 AND hash = ANY($2::text[])`, [
        modelId,
        hashes,
      ]);
      return new Set(rows.map((r) => r.hash as string));
    },

    async delete(modelId, hashes) {
      await model(modelId);
      if (!hashes.length) return 0;
      // The vector row goes with its point (ON DELETE CASCADE).
      const { rowCount } = await pool.query(`DELETE FROM vector_points WHERE model = $1 AND hash = ANY($2::text[])`, [
        modelId,
        hashes,
      ]);
      sizes.delete(modelId);
      return rowCount ?? 0;
    },

    async dropModel(modelId) {
      const { rows } = await pool.query(`SELECT tbl FROM vector_models WHERE id = $1`, [modelId]);
      if (!rows.length) return;
      await transaction(pool, async (tx) => {
        await tx.query(`DROP TABLE IF EXISTS vec_m${Number(rows[0].tbl)}`);
        await tx.query(`DELETE FROM vector_points WHERE model = $1`, [modelId]);
        await tx.query(`DELETE FROM vector_models WHERE id = $1`, [modelId]);
      });
      cache.delete(modelId);
      sizes.delete(modelId);
    },

    async search(modelId, query): Promise<VectorMatch[]> {
      const { type, distance } = sql();
      const m = await model(modelId);
      assertVector(query.vector, m.dimensions, 'The query vector');
      assertK(query.k);
      const params: unknown[] = [literal(query.vector)];
      const scope = scopeSql(query.filter, params);
      let approximate = !query.exact && !scope;
      if (approximate) approximate = (await size(modelId)) >= annMin;
      // `+ 0` keeps the planner off the HNSW index: an exact scan in distance order.
      const order = approximate ? `v.embedding ${distance} $1::${type}` : `(v.embedding ${distance} $1::${type}) + 0`;
      const { rows } = await pool.query(
        `SELECT p.hash, v.embedding ${distance} $1::${type} AS distance
         FROM ${m.table} v JOIN vector_points p ON p.id = v.point_id
         ${scope ? `WHERE v.point_id IN (${scope})` : ''}
         ORDER BY ${order} LIMIT $${params.push(query.k)}`,
        params,
      );
      const out = rows.map((r) => ({ hash: r.hash as string, distance: Number(r.distance) }));
      return out.sort((a, b) => a.distance - b.distance || (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0));
    },

    async count(modelId, filter) {
      await model(modelId);
      const params: unknown[] = [modelId];
      const scope = scopeSql(filter, params);
      const { rows } = await pool.query(
        `SELECT count(*)::int AS n FROM vector_points WHERE model = $1${scope ? ` AND id IN (${scope})` : ''}`,
        params,
      );
      return Number(rows[0].n);
    },
  };
}
