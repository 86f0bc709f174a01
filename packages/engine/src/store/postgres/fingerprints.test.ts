import { describe, expect, it } from 'vitest';
import { chat, prepared } from '../contract-support.js';
import { schemaStore } from './test-support/schema-store.js';
import { LOOKUP_FINGERPRINTS_SQL, MARK_SEEN_SQL, TOMBSTONE_SQL } from './fingerprints.js';

const { open } = schemaStore('tfp');

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Cond'?: string;
  Plans?: PlanNode[];
}
const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)];

describe('fingerprint lookup on PostgreSQL', () => {
  it('probes the unique index per id on a table without statistics (a first backfill), live items only', async () => {
    const store = await open();
    // As in a first backfill: no ANALYZE has run (autovacuum kept out so it cannot run one mid-test).
    await store.pool.query('ALTER TABLE memories SET (autovacuum_enabled = false)');
    const source = await store.createSource({ ownerId: 'local', sourceType: 't', name: 't', config: {} });
    for (let page = 0; page < 3; page++) {
      const items = Array.from({ length: 1000 }, (_, k) => chat(`m${page * 1000 + k}`, `message ${page * 1000 + k}`));
      await store.commitPage({
        sourceId: source.id,
        runId: null,
        items: prepared(items),
        deletes: page === 2 ? ['m5'] : [],
        checkpoint: undefined,
      });
    }
    const stats = await store.pool.query(`SELECT reltuples FROM pg_class WHERE oid = 'memories'::regclass`);
    expect(Number(stats.rows[0].reltuples)).toBeLessThan(0); // never analyzed

    const ids = ['m4', 'm5', 'm2999', 'absent'];
    const found = await store.lookupFingerprints(source.id, ids);
    const stored = await store.pool.query(
      `SELECT external_id, fingerprint FROM memories WHERE external_id IN ('m4', 'm2999')`,
    );
    expect(new Map(stored.rows.map((r) => [r.external_id, r.fingerprint]))).toEqual(found); // m5 is tombstoned

    const ids1000 = Array.from({ length: 1000 }, (_, k) => `m${2000 + k}`);
    const plan = await store.pool.query(`EXPLAIN (FORMAT JSON) ${LOOKUP_FINGERPRINTS_SQL}`, [source.id, ids1000]);
    const reads = nodes(plan.rows[0]['QUERY PLAN'][0].Plan).filter((n) => n['Relation Name'] === 'memories');
    expect(reads.length).toBeGreaterThan(0);
    for (const n of reads) {
      expect(n['Node Type']).toBe('Index Scan');
      expect(n['Index Cond']).toMatch(/external_id = x\.e/);
    }

    // Marking unchanged items and tombstoning deleted ones use the same probe, never a read of the source's rows.
    for (const sql of [MARK_SEEN_SQL, TOMBSTONE_SQL]) {
      const update = await store.pool.query(`EXPLAIN (FORMAT JSON) ${sql}`, [
        new Date().toISOString(),
        source.id,
        ids1000,
      ]);
      const scans = nodes(update.rows[0]['QUERY PLAN'][0].Plan).filter((n) => n['Relation Name'] === 'memories');
      expect(scans.map((n) => n['Node Type'])).not.toContain('Seq Scan');
      expect(scans.some((n) => /external_id = x\.e/.test(n['Index Cond'] ?? ''))).toBe(true);
    }
    const client = await store.pool.connect();
    try {
      await client.query('BEGIN');
      const gone = await client.query(TOMBSTONE_SQL, [
        new Date().toISOString(),
        source.id,
        ['m4', 'm4', 'm5', 'absent'],
      ]);
      expect(gone.rows).toHaveLength(1); // m4 once; m5 was already tombstoned
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
  });
});
