import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startQdrantTwin, type QdrantTwin } from '../../../../../test/twins/qdrant/index.js';
import { createQdrantVectorIndex } from './index.js';

let twin: QdrantTwin;
beforeAll(async () => {
  twin = await startQdrantTwin({ apiKey: 'right-key' });
});
afterAll(async () => twin.close());

const model = { id: 'm@test', dimensions: 2 };

describe('Qdrant errors map to our codes once', () => {
  it('a wrong API key is auth_invalid (not retryable) and the key never appears in the error', async () => {
    const index = createQdrantVectorIndex({ url: twin.url, apiKey: 'wrong-key-123', prefix: 'e1' });
    const err = (await index.ensureModel(model).then(
      () => undefined,
      (e: unknown) => e,
    )) as Error & { code: string };
    expect(err).toMatchObject({ code: 'auth_invalid', retryable: false });
    expect(err.message).toContain('TRIBUTARY_QDRANT_API_KEY');
    expect(JSON.stringify({ message: err.message, cause: String((err as { cause?: unknown }).cause) })).not.toContain(
      'wrong-key-123',
    );
  });

  it('an outage is retryable upstream_unavailable, a 429 is rate_limited with its Retry-After, a 5xx retryable', async () => {
    const index = createQdrantVectorIndex({ url: twin.url, apiKey: 'right-key', prefix: 'e2' });
    await index.ensureModel(model);
    twin.down();
    await expect(index.count(model.id)).rejects.toMatchObject({ code: 'upstream_unavailable', retryable: true });
    twin.up();
    twin.faults.inject({
      route: 'count_points',
      status: 429,
      headers: { 'retry-after': '7' },
      body: { status: { error: 'slow down' }, time: 0 },
    });
    await expect(index.count(model.id)).rejects.toMatchObject({
      code: 'rate_limited',
      retryable: true,
      retryAfterMs: 7000,
    });
    twin.faults.inject({ route: 'query_points', status: 503, body: { status: { error: 'overloaded' }, time: 0 } });
    await expect(index.search(model.id, { vector: [1, 0], k: 1 })).rejects.toMatchObject({
      code: 'upstream_unavailable',
      retryable: true,
    });
    expect(await index.count(model.id)).toBe(0);
  });

  it('a search or upsert of a model never ensured is not_found; a collection deleted behind our back too', async () => {
    const index = createQdrantVectorIndex({ url: twin.url, apiKey: 'right-key', prefix: 'e3' });
    await expect(index.search('nope', { vector: [1, 0], k: 1 })).rejects.toMatchObject({ code: 'not_found' });
    await index.ensureModel(model);
    for (const name of [...twin.state.collections.keys()].filter((n) => n.startsWith('e3_v_')))
      twin.state.collections.delete(name);
    await expect(index.count(model.id)).rejects.toMatchObject({ code: 'not_found' });
  });
});
