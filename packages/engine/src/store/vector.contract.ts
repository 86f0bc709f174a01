import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cosineDistance, MAX_VECTOR_K, type VectorIndex, type VectorScope } from './vector-port.js';

/**
 * The vector contract: sqlite-vec, pgvector and Qdrant each run this suite against a fresh, empty index per test
 * (`make` opens it, `close` releases it). No capability is optional.
 */
export interface VectorHarness {
  index: VectorIndex;
  close(): Promise<void>;
}

const MODEL = { id: 'contract-model@test', dimensions: 4 };
const alice: VectorScope = { ownerId: 'alice', sourceId: 'a-notes' };
const aliceMail: VectorScope = { ownerId: 'alice', sourceId: 'a-mail' };
const bob: VectorScope = { ownerId: 'bob', sourceId: 'b-notes' };

/** A deterministic pseudo-random unit vector (mulberry32), for the brute-force comparison. */
export function seededVectors(count: number, dimensions: number, seed = 7): number[][] {
  let s = seed >>> 0;
  const rnd = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({ length: count }, () => {
    const v = Array.from({ length: dimensions }, () => rnd() * 2 - 1);
    const n = Math.hypot(...v);
    return v.map((x) => x / n);
  });
}

export function vectorContract(name: string, make: () => Promise<VectorHarness>): void {
  describe(`vector contract: ${name}`, () => {
    let h: VectorHarness;
    let index: VectorIndex;
    beforeEach(async () => {
      h = await make();
      index = h.index;
      await index.ensureModel(MODEL);
    });
    afterEach(async () => {
      await h.close();
    });

    it('ensures a model idempotently and refuses the same id with another dimension', async () => {
      await index.ensureModel(MODEL);
      expect(await index.models()).toEqual([{ ...MODEL, count: 0 }]);
      await expect(index.ensureModel({ id: MODEL.id, dimensions: 8 })).rejects.toMatchObject({
        code: 'invalid_config',
      });
      await expect(
        index.upsert('never-ensured', [{ hash: 'h', vector: [1, 0, 0, 0], scopes: [alice] }]),
      ).rejects.toMatchObject({ code: 'not_found' });
    });

    it('upserts by hash (one vector per hash and model), has/count/delete agree', async () => {
      await index.upsert(MODEL.id, [
        { hash: 'car', vector: [1, 0, 0, 0], scopes: [alice] },
        { hash: 'fruit', vector: [0, 1, 0, 0], scopes: [alice] },
      ]);
      await index.upsert(MODEL.id, [{ hash: 'car', vector: [0, 0, 1, 0], scopes: [alice, bob] }]);
      expect(await index.count(MODEL.id)).toBe(2);
      expect([...(await index.has(MODEL.id, ['car', 'fruit', 'nope']))].sort()).toEqual(['car', 'fruit']);
      // The replaced vector is the one searched.
      const near = await index.search(MODEL.id, { vector: [0, 0, 1, 0], k: 1 });
      expect(near).toEqual([{ hash: 'car', distance: expect.closeTo(0, 5) }]);
      expect(await index.delete(MODEL.id, ['car', 'nope'])).toBe(1);
      expect(await index.count(MODEL.id)).toBe(1);
      expect(await index.has(MODEL.id, ['car'])).toEqual(new Set());
    });

    it('ranks by cosine distance, nearest first, exactly as brute force (exact and default paths)', async () => {
      const vectors = seededVectors(300, MODEL.dimensions);
      await index.upsert(
        MODEL.id,
        vectors.map((vector, i) => ({ hash: `h${i}`, vector, scopes: [i % 2 ? alice : bob] })),
      );
      const query = seededVectors(1, MODEL.dimensions, 99)[0]!;
      const expected = vectors
        .map((v, i) => ({ hash: `h${i}`, distance: cosineDistance(v, query) }))
        .sort((a, b) => a.distance - b.distance)
        .slice(0, 10);
      for (const exact of [true, false]) {
        const got = await index.search(MODEL.id, { vector: query, k: 10, exact });
        expect(got.map((m) => m.hash)).toEqual(expected.map((m) => m.hash));
        got.forEach((m, i) => expect(m.distance).toBeCloseTo(expected[i]!.distance, 4));
      }
    });

    it('filters by owner and by sources inside the index: the k nearest of that scope', async () => {
      await index.upsert(MODEL.id, [
        { hash: 'bob-close', vector: [1, 0, 0, 0], scopes: [bob] },
        { hash: 'bob-close-2', vector: [0.99, 0.01, 0, 0], scopes: [bob] },
        { hash: 'alice-far', vector: [0, 1, 0, 0], scopes: [alice] },
        { hash: 'alice-mail', vector: [-0.5, 0, 1, 0], scopes: [aliceMail] },
        { hash: 'shared', vector: [0.7, 0.7, 0, 0], scopes: [alice, bob] },
      ]);
      const q = { vector: [1, 0, 0, 0], k: 2 };
      expect((await index.search(MODEL.id, { ...q, filter: { ownerId: 'alice' } })).map((m) => m.hash)).toEqual([
        'shared',
        'alice-far',
      ]);
      expect(
        (await index.search(MODEL.id, { ...q, k: 5, filter: { sourceIds: ['a-mail'] } })).map((m) => m.hash),
      ).toEqual(['alice-mail']);
      expect(
        (await index.search(MODEL.id, { ...q, k: 5, filter: { ownerId: 'bob', sourceIds: ['a-mail'] } })).length,
      ).toBe(0);
      expect(await index.count(MODEL.id, { ownerId: 'alice' })).toBe(3);
      expect(await index.count(MODEL.id, { ownerId: 'bob' })).toBe(3);
      expect(await index.count(MODEL.id, { sourceIds: ['a-notes', 'a-mail'] })).toBe(3);
    });

    it('setScopes moves a vector between places without re-embedding; empty scopes hide it from filtered search', async () => {
      await index.upsert(MODEL.id, [{ hash: 'x', vector: [1, 0, 0, 0], scopes: [alice] }]);
      expect(
        await index.setScopes(MODEL.id, [
          { hash: 'x', scopes: [bob] },
          { hash: 'missing', scopes: [bob] },
        ]),
      ).toBe(1);
      expect(await index.search(MODEL.id, { vector: [1, 0, 0, 0], k: 3, filter: { ownerId: 'alice' } })).toEqual([]);
      expect((await index.search(MODEL.id, { vector: [1, 0, 0, 0], k: 3, filter: { ownerId: 'bob' } }))[0]?.hash).toBe(
        'x',
      );
      await index.setScopes(MODEL.id, [{ hash: 'x', scopes: [] }]);
      expect(await index.count(MODEL.id, { ownerId: 'bob' })).toBe(0);
      expect(await index.count(MODEL.id)).toBe(1);
    });

    it('keeps models apart: same hash, two models, two vectors; dropModel removes one model only', async () => {
      const other = { id: 'other-model@test', dimensions: 2 };
      await index.ensureModel(other);
      await index.upsert(MODEL.id, [{ hash: 'same', vector: [1, 0, 0, 0], scopes: [alice] }]);
      await index.upsert(other.id, [{ hash: 'same', vector: [0, 1], scopes: [alice] }]);
      expect((await index.models()).map((m) => [m.id, m.dimensions, m.count]).sort()).toEqual([
        [MODEL.id, 4, 1],
        [other.id, 2, 1],
      ]);
      expect((await index.search(other.id, { vector: [0, 1], k: 1 }))[0]).toMatchObject({ hash: 'same' });
      await index.dropModel(other.id);
      expect((await index.models()).map((m) => m.id)).toEqual([MODEL.id]);
      expect(await index.count(MODEL.id)).toBe(1);
    });

    it('refuses a wrong-length or non-finite vector and a k out of range, changing nothing', async () => {
      await index.upsert(MODEL.id, [{ hash: 'ok', vector: [1, 0, 0, 0], scopes: [alice] }]);
      await expect(
        index.upsert(MODEL.id, [
          { hash: 'new', vector: [1, 0, 0, 0], scopes: [alice] },
          { hash: 'bad', vector: [1, 0, 0], scopes: [alice] },
        ]),
      ).rejects.toMatchObject({ code: 'invalid_input' });
      await expect(
        index.upsert(MODEL.id, [{ hash: 'nan', vector: [1, Number.NaN, 0, 0], scopes: [alice] }]),
      ).rejects.toMatchObject({ code: 'invalid_input' });
      expect(await index.count(MODEL.id)).toBe(1);
      await expect(index.search(MODEL.id, { vector: [1, 0], k: 1 })).rejects.toMatchObject({ code: 'invalid_input' });
      await expect(index.search(MODEL.id, { vector: [1, 0, 0, 0], k: 0 })).rejects.toMatchObject({
        code: 'invalid_input',
      });
      await expect(index.search(MODEL.id, { vector: [1, 0, 0, 0], k: MAX_VECTOR_K + 1 })).rejects.toMatchObject({
        code: 'invalid_input',
      });
    });

    it('returns fewer than k when fewer match, and nothing from an empty model', async () => {
      expect(await index.search(MODEL.id, { vector: [1, 0, 0, 0], k: 5 })).toEqual([]);
      await index.upsert(MODEL.id, [{ hash: 'only', vector: [0, 0, 0, 1], scopes: [alice] }]);
      expect((await index.search(MODEL.id, { vector: [1, 0, 0, 0], k: 5 })).map((m) => m.hash)).toEqual(['only']);
    });
  });
}
