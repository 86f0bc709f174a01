import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededVectors, vectorContract } from '../vector.contract.js';
import { vectorQueueContract } from '../vector-queue.contract.js';
import { createSqliteStore } from './index.js';

/** sqlite-vec in the store's own database file. */
vectorContract('sqlite-vec', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'trib-vec-'));
  const store = createSqliteStore({ path: path.join(dir, 'db.sqlite') });
  await store.migrate();
  return {
    index: store.vectorIndex!,
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

/**
 * The same file with the HNSW side index forced on from the first vector, each search waiting for its worker to
 * catch up: the graph answers every non-exact search.
 */
vectorContract('sqlite-vec + HNSW side index', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'trib-vec-hnsw-'));
  const store = createSqliteStore({
    path: path.join(dir, 'db.sqlite'),
    vectors: { hnsw: { min: 1, oversample: 4, waitForGraph: true } },
  });
  await store.migrate();
  return {
    index: store.vectorIndex!,
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

vectorQueueContract('sqlite', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'trib-vq-'));
  const store = createSqliteStore({ path: path.join(dir, 'db.sqlite') });
  await store.migrate();
  const close = store.close.bind(store);
  return Object.assign(store, {
    async close() {
      await close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
});

describe('sqlite-vec approximate path (binary-quantized candidates, exact re-rank)', () => {
  it('agrees with the exact search on clustered vectors and keeps filters', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'trib-vec-ann-'));
    const store = createSqliteStore({
      path: path.join(dir, 'db.sqlite'),
      vectors: { hnsw: false, binaryMin: 100, binaryOversample: 16 },
    });
    try {
      await store.migrate();
      const index = store.vectorIndex!;
      await index.ensureModel({ id: 'm', dimensions: 64 });
      const centers = seededVectors(20, 64, 3);
      const noise = seededVectors(2000, 64, 4);
      const vectors = noise.map((n, i) => n.map((x, d) => centers[i % 20]![d]! + 0.5 * x));
      await index.upsert(
        'm',
        vectors.map((vector, i) => ({
          hash: `h${i}`,
          vector,
          scopes: [{ ownerId: i % 2 ? 'a' : 'b', sourceId: 's' }],
        })),
      );
      let agree = 0;
      const queries = seededVectors(10, 64, 5).map((n, i) => n.map((x, d) => centers[i]![d]! + 0.5 * x));
      for (const vector of queries) {
        const exact = new Set((await index.search('m', { vector, k: 10, exact: true })).map((m) => m.hash));
        const approx = await index.search('m', { vector, k: 10 });
        agree += approx.filter((m) => exact.has(m.hash)).length;
        const owned = await index.search('m', { vector, k: 10, filter: { ownerId: 'a' } });
        expect(owned.every((m) => Number(m.hash.slice(1)) % 2 === 1)).toBe(true);
        expect(owned).toHaveLength(10);
      }
      expect(agree / 100).toBeGreaterThanOrEqual(0.8);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
