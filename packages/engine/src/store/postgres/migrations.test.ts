import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { FOLD_FROM } from '../fold.js';
import { chat, prepared } from '../contract-support.js';
import { createPostgresStore } from './index.js';
import { PG_MIGRATIONS } from './migrations.js';

// The machine's real PostgreSQL, one schema per test.
const PG_URL = process.env.TRIBUTARY_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const schema = `tmig_${process.pid}`;
let admin: pg.Pool | undefined;
afterEach(async () => {
  await admin?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin?.end();
  admin = undefined;
});

/** Texts where folding matters, and ones just outside the folded range (U+00BF, U+0250, curly quotes, CJK). */
const TEXTS = [
  'plain ascii words only',
  `every folded letter ${FOLD_FROM}`,
  'Café au lait à l’École — “quoted”',
  'outside the range ¿ ɐ ḁ 東京 naïve',
  'Ærøskøbing ŁÓDŹ ß ÿ',
  'Ĉapelo ĝardeno', // only letters above U+00FF
];

/** A store at migration 8 with the `chunks.embedding` column and index an old pgvector install had (1001). */
async function legacySchema(pool: pg.Pool): Promise<void> {
  await pool.query(`CREATE SCHEMA ${schema}`);
  const c = await pool.connect();
  try {
    await c.query(`SET search_path = ${schema}`);
    await c.query(
      `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`,
    );
    for (const m of PG_MIGRATIONS.filter((x) => x.version <= 8)) {
      await c.query(m.sql);
      await c.query(`INSERT INTO schema_migrations VALUES ($1, $2, 'then')`, [m.version, m.name]);
    }
    // pgvector is not on this server: a real[] column stands in for vector(n); the migration drops it by name.
    await c.query(`ALTER TABLE chunks ADD COLUMN embedding real[]`);
    await c.query(`CREATE INDEX chunks_embedding ON chunks (embedding)`);
    await c.query(`INSERT INTO schema_migrations VALUES (1001, 'pgvector', 'then')`);
  } finally {
    c.release();
  }
}

describe('PostgreSQL migrations 9 to 11', () => {
  it('an old store loses chunks.embedding, keeps its rows, and its full-text vectors stay exactly the same', async () => {
    admin = new pg.Pool({ connectionString: PG_URL, max: 2 });
    await legacySchema(admin);
    const old = createPostgresStore({ connectionString: PG_URL, schema, maxConnections: 2 });
    // Written by the migration-8 code path: the old generated expression computes these vectors.
    const s = await old.createSource({ ownerId: 'local', sourceType: 't', name: 't', config: {} });
    await old.commitPage({
      sourceId: s.id,
      runId: null,
      items: prepared(TEXTS.map((t, i) => chat(String(i), t))),
      deletes: [],
      checkpoint: undefined,
    });
    const before = (await old.pool.query(`SELECT id, tsv::text AS v FROM chunks ORDER BY id`)).rows;
    expect(before).toHaveLength(TEXTS.length);
    expect(await old.migrate()).toEqual({ current: 11, latest: 11 });
    await old.close();

    const store = createPostgresStore({ connectionString: PG_URL, schema, maxConnections: 2 });
    try {
      const cols = await store.pool.query(
        `SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'chunks'`,
        [schema],
      );
      expect(cols.rows.map((r) => r.column_name)).not.toContain('embedding');
      const idx = await store.pool.query(`SELECT 1 FROM pg_indexes WHERE schemaname = $1 AND indexname = $2`, [
        schema,
        'chunks_embedding',
      ]);
      expect(idx.rows).toHaveLength(0);
      expect((await store.pool.query(`SELECT 1 FROM schema_migrations WHERE version = 1001`)).rows).toHaveLength(0);
      // Migration 11: the backlog triggers fire only for chunks that carry a hash.
      const triggers = await store.pool.query(
        `SELECT tgname, pg_get_triggerdef(oid) AS def FROM pg_trigger WHERE tgrelid = 'chunks'::regclass AND tgname LIKE 'chunks_embed%' ORDER BY tgname`,
      );
      expect(
        triggers.rows.map((r) => [r.tgname, /WHEN \(+(new|old)\.content_hash IS NOT NULL\)/i.test(r.def)]),
      ).toEqual([
        ['chunks_embed_ad', true],
        ['chunks_embed_ai', true],
      ]);
      // The guarded expression recomputed every vector: identical to what migration 7's expression made.
      expect((await store.pool.query(`SELECT id, tsv::text AS v FROM chunks ORDER BY id`)).rows).toEqual(before);
      for (const [q, id] of <[string, string][]>[
        ['ecole', '2'],
        ['cafe', '2'],
        ['naive', '3'],
        ['łódź', '4'],
        ['capelo', '5'],
      ])
        expect((await store.search({ text: q })).hits.map((h) => h.externalId)).toEqual([id]);
    } finally {
      await store.close();
    }
  });
});
