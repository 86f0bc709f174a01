import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { LogRecord } from '@tributary/sdk';
import { createLogger } from '@tributary/sdk';
import { createPipeline } from '../../pipeline/prepare.js';
import type { PreparedItem } from '../types.js';
import { createPostgresStore } from './index.js';

/**
 * The machine's real PostgreSQL has no pgvector (Debian's server without postgresql-15-pgvector): vectors
 * configured there must not break start-up; the store says why and search stays full text.
 */
const PG_URL = process.env.TRIBUTARY_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const admin = new pg.Pool({ connectionString: PG_URL, max: 1 });
const schema = `tv_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
afterAll(async () => {
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.end();
});

describe('PostgreSQL store without pgvector', () => {
  it('migrates, reports vector search off once with the reason, and searches full text', async () => {
    const logs: LogRecord[] = [];
    const store = createPostgresStore({
      connectionString: PG_URL,
      schema,
      vectorDimensions: 3,
      maxConnections: 2,
      logger: createLogger((r) => logs.push(r)),
    });
    try {
      const status = await store.migrate();
      expect(status.current).toBe(status.latest);
      await store.migrate();
      const support = store.vectorSupport!();
      expect(support.enabled).toBe(false);
      expect(support.reason).toContain('no pgvector extension');
      expect(support.reason).toContain('full-text search is used');
      const warnings = logs.filter((l) => l.level === 'warn');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]!.message).toContain('no pgvector extension');
      const column = await admin.query(
        `SELECT 1 FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'chunks' AND column_name = 'embedding'`,
        [schema],
      );
      expect(column.rows).toHaveLength(0);

      const source = await store.createSource({ ownerId: 'local', sourceType: 'test', name: 's', config: {} });
      const item = createPipeline().prepare(
        { externalId: 'a', stream: 'notes', content: 'the blue automobile is parked' },
        'fp',
      ) as PreparedItem;
      item.chunks = item.chunks.map((c) => ({ ...c, embedding: [1, 0, 0] }));
      // Embeddings are dropped, not an error, where the store keeps none.
      await store.commitPage({ sourceId: source.id, runId: null, items: [item], deletes: [], checkpoint: undefined });
      const hits = (await store.search({ text: 'automobile', vector: [1, 0, 0] })).hits;
      expect(hits.map((h) => h.externalId)).toEqual(['a']);
      expect(hits[0]!.snippet).toContain('<mark>automobile</mark>');
      expect((await store.search({ text: 'sedan', vector: [1, 0, 0] })).hits).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
