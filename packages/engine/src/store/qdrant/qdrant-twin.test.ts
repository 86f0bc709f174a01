import { QdrantClient } from '@qdrant/js-client-rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { qdrantSpecProblems, startQdrantTwin, type QdrantTwin } from '../../../../../test/twins/qdrant/index.js';

let twin: QdrantTwin;
let client: QdrantClient;
beforeAll(async () => {
  twin = await startQdrantTwin();
  client = new QdrantClient({ url: twin.url, checkCompatibility: false });
});
afterAll(async () => twin.close());

const id = (n: number) => `00000000-0000-0000-0000-${String(n).padStart(12, '0')}`;

describe('qdrant twin', () => {
  it("answers the official client like Qdrant, every answer valid against Qdrant's OpenAPI", async () => {
    expect(await client.createCollection('c', { vectors: { size: 2, distance: 'Cosine' } })).toBe(true);
    await client.createPayloadIndex('c', { field_name: 'tags', field_schema: 'keyword', wait: true });
    await client.upsert('c', {
      wait: true,
      points: [
        { id: id(1), vector: [1, 0], payload: { tags: ['a', 'b'] } },
        { id: id(2), vector: [0, 3], payload: { tags: ['b'] } },
        { id: 3, vector: [1, 1], payload: { tags: [] } },
      ],
    });
    const near = await client.query('c', { query: [1, 0.1], limit: 2, with_payload: true });
    expect(near.points.map((p) => p.id)).toEqual([id(1), 3]);
    expect(near.points[0]!.score).toBeCloseTo(1 / Math.hypot(1, 0.1), 5);
    // Qdrant's filter semantics: an array payload matches when any element does.
    const onlyB = await client.query('c', {
      query: [1, 0],
      limit: 5,
      filter: { must: [{ key: 'tags', match: { value: 'b' } }] },
    });
    expect(onlyB.points.map((p) => p.id).sort()).toEqual([id(1), id(2)]);
    expect(
      (await client.count('c', { exact: true, filter: { must_not: [{ key: 'tags', match: { any: ['a'] } }] } })).count,
    ).toBe(2);
    await client.batchUpdate('c', {
      wait: true,
      operations: [{ set_payload: { payload: { tags: ['z'] }, points: [id(2)] } }],
    });
    expect((await client.retrieve('c', { ids: [id(2)], with_payload: true }))[0]!.payload).toEqual({ tags: ['z'] });
    await client.delete('c', { wait: true, points: [3] });
    expect((await client.scroll('c', { limit: 10 })).points).toHaveLength(2);
    expect((await client.collectionExists('c')).exists).toBe(true);
    expect((await client.getCollections()).collections).toEqual([{ name: 'c' }]);
    expect(qdrantSpecProblems(twin.exchanges)).toEqual([]);
  });

  it('refuses like Qdrant: unknown collection 404, existing 409, wrong dimension 400 (changing nothing)', async () => {
    await expect(client.count('nope', {})).rejects.toMatchObject({ status: 404 });
    await expect(client.createCollection('c', { vectors: { size: 2, distance: 'Cosine' } })).rejects.toMatchObject({
      status: 409,
    });
    await expect(
      client.upsert('c', {
        wait: true,
        points: [
          { id: 9, vector: [1, 0] },
          { id: 10, vector: [1, 0, 0] },
        ],
      }),
    ).rejects.toMatchObject({ status: 400 });
    expect((await client.count('c', { exact: true })).count).toBe(2);
    expect(qdrantSpecProblems(twin.exchanges)).toEqual([]);
    // The check has teeth: a malformed answer is reported.
    expect(
      qdrantSpecProblems([
        {
          ...twin.exchanges.find((x) => x.route === 'count_points' && x.status === 200)!,
          body: { result: { count: 'two' } },
        },
      ]),
    ).not.toEqual([]);
  });

  it('goes down (every request fails at the connection) and comes back with its data', async () => {
    twin.down();
    await expect(client.count('c', { exact: true })).rejects.toThrow();
    twin.up();
    expect((await client.count('c', { exact: true })).count).toBe(2);
  });
});
