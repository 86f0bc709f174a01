import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cosine, ollamaSpecProblems, ollamaTwinVector, startOllamaTwin, type OllamaTwin } from './index.js';

let twin: OllamaTwin;
beforeAll(async () => {
  twin = await startOllamaTwin({ contextLength: 8 });
});
afterAll(async () => twin.close());

const post = async (path: string, body: unknown) => {
  const res = await fetch(`${twin.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
};

describe('ollama twin', () => {
  it('puts chosen synonyms close together and unrelated texts apart', () => {
    const car = ollamaTwinVector('car');
    expect(cosine(car, ollamaTwinVector('automobile'))).toBeGreaterThan(0.99);
    expect(
      cosine(
        ollamaTwinVector('the note about our trip to the mountains'),
        ollamaTwinVector('hiking weekend in the Alps'),
      ),
    ).toBeGreaterThan(0.8);
    expect(cosine(car, ollamaTwinVector('banana'))).toBeLessThan(0.1);
    expect(cosine(car, ollamaTwinVector('reftable compaction'))).toBeLessThan(0.1);
    expect(ollamaTwinVector('car')).toEqual(car);
    expect(Math.hypot(...car)).toBeCloseTo(1, 10);
  });

  it('embeds a batch in order, a single string too, with Ollama-shaped answers that validate against its spec', async () => {
    const batch = await post('/api/embed', { model: 'all-minilm', input: ['car', 'banana', 'storm'] });
    expect(batch.status).toBe(200);
    expect(batch.body.model).toBe('all-minilm');
    expect(batch.body.embeddings).toEqual(['car', 'banana', 'storm'].map((t) => ollamaTwinVector(t)));
    const single = await post('/api/embed', { model: 'all-minilm', input: 'automobile' });
    expect(single.body.embeddings).toEqual([ollamaTwinVector('automobile')]);
    const short = await post('/api/embed', { model: 'all-minilm', input: ['car'], dimensions: 4 });
    expect((short.body.embeddings as number[][])[0]).toHaveLength(4);
    const tags = await fetch(`${twin.url}/api/tags`).then((r) => r.json());
    expect(tags.models.map((m: { name: string }) => m.name)).toEqual(['all-minilm:latest', 'nomic-embed-text:latest']);
    const show = await post('/api/show', { model: 'all-minilm' });
    expect(show.body.model_info).toMatchObject({ 'bert.embedding_length': 16, 'bert.context_length': 8 });
    await fetch(`${twin.url}/api/version`);
    expect(twin.requests.map((r) => r.input)).toEqual([['car', 'banana', 'storm'], ['automobile'], ['car']]);
    expect(ollamaSpecProblems(twin.exchanges)).toEqual([]);
    // The check has teeth: a malformed answer is reported.
    const bad = { ...twin.exchanges[0]!, body: { model: 'all-minilm', embeddings: [['x']] } };
    expect(ollamaSpecProblems([bad])).not.toEqual([]);
  });

  it('answers like Ollama for a model not pulled, an over-long input with truncate false, and a bad body', async () => {
    const missing = await post('/api/embed', { model: 'mxbai-embed-large', input: ['car'] });
    expect(missing).toMatchObject({
      status: 404,
      body: { error: 'model "mxbai-embed-large" not found, try pulling it first' },
    });
    const long = 'car '.repeat(20).trim();
    const refused = await post('/api/embed', { model: 'all-minilm', input: [long], truncate: false });
    expect(refused).toMatchObject({ status: 400, body: { error: 'the input length exceeds the context length' } });
    const truncated = await post('/api/embed', { model: 'all-minilm', input: [long] });
    expect(truncated.body.embeddings).toEqual([ollamaTwinVector('car '.repeat(8).trim())]);
    expect((await post('/api/embed', { input: ['car'] })).status).toBe(400);
    expect((await post('/api/embed', { model: 'all-minilm', input: [1, 2] })).status).toBe(400);
    expect(ollamaSpecProblems(twin.exchanges)).toEqual([]);
  });

  it('arms a busy 503 and a 429 with Retry-After for the next embedding requests only', async () => {
    twin.busy(1);
    twin.rateLimit(1, 3);
    const busy = await post('/api/embed', { model: 'all-minilm', input: ['car'] });
    expect(busy.status).toBe(503);
    expect(busy.body.error).toContain('server busy');
    const limited = await post('/api/embed', { model: 'all-minilm', input: ['car'] });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect((await post('/api/embed', { model: 'all-minilm', input: ['car'] })).status).toBe(200);
    expect(ollamaSpecProblems(twin.exchanges)).toEqual([]);
  });

  it('also serves the OpenAI-compatible /v1/embeddings with the same vectors', async () => {
    const res = await post('/v1/embeddings', { model: 'nomic-embed-text', input: ['car', 'rain'] });
    expect(res.status).toBe(200);
    expect((res.body.data as Array<{ index: number; embedding: number[] }>).map((d) => d.embedding)).toEqual([
      ollamaTwinVector('car'),
      ollamaTwinVector('rain'),
    ]);
  });
});
