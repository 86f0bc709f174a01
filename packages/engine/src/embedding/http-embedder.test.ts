import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '@tributary/sdk';
import { createHttpEmbedder } from './http-embedder.js';
import { embedderFromEnv } from './embedder.js';
import { startEmbeddingsTwin, twinVector, type EmbeddingsTwin } from './test-support/embeddings-twin.js';

let twin: EmbeddingsTwin;
beforeEach(async () => {
  twin = await startEmbeddingsTwin();
});
afterEach(async () => {
  await twin.close();
});

/** Records the waits the HTTP client asks for instead of sleeping. */
function fakeClock(): Clock & { slept: number[] } {
  let t = 1_700_000_000_000;
  const slept: number[] = [];
  return {
    slept,
    now: () => t,
    sleep: async (ms) => {
      slept.push(ms);
      t += ms;
    },
  };
}

describe('createHttpEmbedder (OpenAI-compatible /v1/embeddings)', () => {
  it('embeds in batches, in input order, with the model and bearer key', async () => {
    const embedder = createHttpEmbedder({
      url: twin.url,
      model: 'twin-3',
      apiKey: 'sk-test',
      dimensions: 3,
      batchSize: 2,
    });
    const texts = ['a car', 'an apple', 'the storm', 'truck', 'banana fruit'];
    const vectors = await embedder.embed(texts);
    expect(vectors).toEqual(texts.map(twinVector));
    expect(twin.requests.map((r) => r.input)).toEqual([
      ['a car', 'an apple'],
      ['the storm', 'truck'],
      ['banana fruit'],
    ]);
    expect(twin.requests.every((r) => r.model === 'twin-3' && r.authorization === 'Bearer sk-test')).toBe(true);
    expect(embedder).toMatchObject({ dimensions: 3, id: `twin-3@${twin.url}` });
  });

  it('cuts an over-long text to maxInputChars instead of letting the server refuse it', async () => {
    const embedder = createHttpEmbedder({ url: twin.url, model: 'm', dimensions: 3, maxInputChars: 10 });
    const [v] = await embedder.embed(['car ' + 'x'.repeat(50_000)]);
    expect(v).toEqual(twinVector('car xxxxxx'));
    expect(twin.requests[0]!.input).toEqual(['car xxxxxx']);
  });

  it('accepts a base URL ending in /v1 and embeds nothing for no texts', async () => {
    const embedder = createHttpEmbedder({ url: `${twin.url}/v1/`, model: 'm', dimensions: 3 });
    expect(await embedder.embed([])).toEqual([]);
    expect(await embedder.embed(['rain'])).toEqual([twinVector('rain')]);
    expect(twin.requests).toHaveLength(1);
    expect(twin.requests[0]!.authorization).toBeUndefined();
  });

  it('waits as a 429 Retry-After says, then succeeds', async () => {
    const clock = fakeClock();
    const embedder = createHttpEmbedder({ url: twin.url, model: 'm', dimensions: 3, clock });
    twin.failNext({ status: 429, headers: { 'retry-after': '7' } });
    expect(await embedder.embed(['car'])).toEqual([twinVector('car')]);
    expect(twin.requests).toHaveLength(2);
    expect(clock.slept).toContain(7000);
  });

  it('gives up with a retryable rate_limited error when 429s outlast the retries', async () => {
    const clock = fakeClock();
    const embedder = createHttpEmbedder({ url: twin.url, model: 'm', dimensions: 3, clock, retries: 1 });
    twin.failNext({ status: 429, headers: { 'retry-after': '1' } });
    twin.failNext({ status: 429, headers: { 'retry-after': '1' } });
    await expect(embedder.embed(['car'])).rejects.toMatchObject({ code: 'rate_limited', retryable: true });
  });

  it('a vector of another length fails with invalid_config naming the right dimension', async () => {
    twin.dimensions = 5;
    const embedder = createHttpEmbedder({ url: twin.url, model: 'm', dimensions: 3 });
    const err = await embedder.embed(['car']).catch((e) => e);
    expect(err).toMatchObject({ code: 'invalid_config', retryable: false });
    expect(err.message).toContain('TRIBUTARY_EMBEDDINGS_DIMENSIONS=5');
  });

  it('maps a 401 to auth_invalid and a malformed answer to upstream_error', async () => {
    const embedder = createHttpEmbedder({ url: twin.url, model: 'm', dimensions: 3 });
    twin.failNext({ status: 401, body: '{"error":{"message":"bad key"}}' });
    await expect(embedder.embed(['car'])).rejects.toMatchObject({ code: 'auth_invalid', retryable: false });
    twin.failNext({ status: 200, body: '{"embeddings":[[1,2,3]]}' });
    await expect(embedder.embed(['car'])).rejects.toMatchObject({ code: 'upstream_error' });
  });
});

describe('embedderFromEnv', () => {
  it('is undefined when no URL is configured', () => {
    expect(embedderFromEnv({})).toBeUndefined();
    expect(embedderFromEnv({ TRIBUTARY_EMBEDDINGS_URL: '  ' })).toBeUndefined();
  });

  it('builds a working embedder from the four variables', async () => {
    const embedder = embedderFromEnv({
      TRIBUTARY_EMBEDDINGS_URL: twin.url,
      TRIBUTARY_EMBEDDINGS_MODEL: 'nomic-embed-text',
      TRIBUTARY_EMBEDDINGS_DIMENSIONS: '3',
      TRIBUTARY_EMBEDDINGS_API_KEY: 'k',
    })!;
    expect(embedder.dimensions).toBe(3);
    expect(await embedder.embed(['apple'])).toEqual([twinVector('apple')]);
    expect(twin.requests[0]).toMatchObject({ model: 'nomic-embed-text', authorization: 'Bearer k' });
  });

  it('names the missing or invalid variable', () => {
    expect(() => embedderFromEnv({ TRIBUTARY_EMBEDDINGS_URL: twin.url })).toThrow(/TRIBUTARY_EMBEDDINGS_MODEL/);
    for (const dims of [undefined, '0', 'abc', '3.5'])
      expect(() =>
        embedderFromEnv({
          TRIBUTARY_EMBEDDINGS_URL: twin.url,
          TRIBUTARY_EMBEDDINGS_MODEL: 'm',
          TRIBUTARY_EMBEDDINGS_DIMENSIONS: dims,
        }),
      ).toThrow(/TRIBUTARY_EMBEDDINGS_DIMENSIONS/);
    expect(() =>
      embedderFromEnv({
        TRIBUTARY_EMBEDDINGS_URL: 'not a url',
        TRIBUTARY_EMBEDDINGS_MODEL: 'm',
        TRIBUTARY_EMBEDDINGS_DIMENSIONS: '3',
      }),
    ).toThrow(expect.objectContaining({ code: 'invalid_config' }));
  });
});
