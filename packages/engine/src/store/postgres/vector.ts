import type pg from 'pg';
import { TributaryError } from '@tributary/sdk';
import type { VectorSupport } from '../types.js';

/**
 * pgvector, optional: where the `vector` extension is available, chunks get an `embedding vector(<dims>)` column
 * with an HNSW index (cosine). Tracked in `schema_migrations` as version {@link VECTOR_MIGRATION_VERSION}, outside
 * the core sequence (core versions stay below 1000), so a later core migration is never skipped.
 */
export const VECTOR_MIGRATION_VERSION = 1001;

/** pgvector's HNSW index takes at most 2000 dimensions for the `vector` type. */
const HNSW_MAX_DIMENSIONS = 2000;

export interface VectorState extends VectorSupport {
  /** The schema holding the extension's type and operators (names are qualified with it). */
  extSchema: string | null;
  dimensions: number | null;
}

export const VECTORS_OFF: VectorState = {
  enabled: false,
  reason: 'vector search is off (no vectorDimensions configured); full-text search is used',
  extSchema: null,
  dimensions: null,
};

const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/**
 * Runs inside the migration transaction (after the core migrations). Never fails the migration because pgvector
 * is missing: it answers why vectors are off instead. A savepoint keeps a failing `CREATE EXTENSION`
 * (no privilege) from aborting the core schema.
 */
export async function migrateVectors(client: pg.PoolClient, dimensions: number, now: string): Promise<VectorState> {
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > 16_000)
    throw new TributaryError(
      'invalid_config',
      `vectorDimensions must be a whole number from 1 to 16000 (got ${dimensions}).`,
    );
  const available = await client.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'vector'`);
  if (!available.rows.length)
    return {
      enabled: false,
      reason:
        'the PostgreSQL server has no pgvector extension; install postgresql-<major>-pgvector (e.g. postgresql-15-pgvector) ' +
        'or use an image with pgvector (pgvector/pgvector:pg15) and restart — until then vector search is off, full-text search is used',
      extSchema: null,
      dimensions: null,
    };
  await client.query('SAVEPOINT tributary_vector');
  try {
    await client.query('CREATE EXTENSION IF NOT EXISTS vector');
    await client.query('RELEASE SAVEPOINT tributary_vector');
  } catch (err) {
    await client.query('ROLLBACK TO SAVEPOINT tributary_vector');
    return {
      enabled: false,
      reason: `pgvector is installed but CREATE EXTENSION vector failed (${(err as Error).message}); run it once as a superuser — until then vector search is off, full-text search is used`,
      extSchema: null,
      dimensions: null,
    };
  }
  const extSchema = String(
    (
      await client.query(
        `SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'vector'`,
      )
    ).rows[0].nspname,
  );
  const q = ident(extSchema);
  await client.query(`ALTER TABLE chunks ADD COLUMN IF NOT EXISTS embedding ${q}.vector(${dimensions})`);
  const indexed = dimensions <= HNSW_MAX_DIMENSIONS;
  if (indexed)
    await client.query(
      `CREATE INDEX IF NOT EXISTS chunks_embedding ON chunks USING hnsw (embedding ${q}.vector_cosine_ops)`,
    );
  await client.query(
    `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, 'pgvector', $2) ON CONFLICT (version) DO NOTHING`,
    [VECTOR_MIGRATION_VERSION, now],
  );
  // The column keeps the dimension it was created with; another model's vectors would not fit it.
  const col = await client.query(
    `SELECT atttypmod FROM pg_attribute WHERE attrelid = 'chunks'::regclass AND attname = 'embedding' AND NOT attisdropped`,
  );
  const stored = Number(col.rows[0]?.atttypmod);
  if (stored !== dimensions)
    return {
      enabled: false,
      reason: `chunks.embedding holds vectors of ${stored} dimensions but ${dimensions} are configured; use the model the column was made for, or drop the column (ALTER TABLE chunks DROP COLUMN embedding; DELETE FROM schema_migrations WHERE version = ${VECTOR_MIGRATION_VERSION}) and re-sync — until then vector search is off, full-text search is used`,
      extSchema: null,
      dimensions: null,
    };
  return {
    enabled: true,
    reason: indexed
      ? `pgvector: chunks.embedding vector(${dimensions}) with an HNSW cosine index`
      : `pgvector: chunks.embedding vector(${dimensions}) without an index (HNSW takes at most ${HNSW_MAX_DIMENSIONS} dimensions; searches scan)`,
    extSchema,
    dimensions,
  };
}

/** A vector as pgvector's text input (`[1,2,3]`), after checking its length. */
export function vectorLiteral(v: number[], dimensions: number): string {
  if (v.length !== dimensions || v.some((x) => !Number.isFinite(x)))
    throw new TributaryError(
      'invalid_input',
      `An embedding has ${v.length} dimensions (or a non-finite value) but the store keeps vectors of ${dimensions}; embed with the configured model.`,
    );
  return `[${v.join(',')}]`;
}

/** The qualified names SQL needs: the type for casts and the cosine distance operator. */
export function vectorSql(state: VectorState): { type: string; distance: string } {
  const q = ident(state.extSchema ?? 'public');
  return { type: `${q}.vector`, distance: `OPERATOR(${q}.<=>)` };
}
