import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '@tributary/sdk';
import {
  ollamaSpecProblems,
  ollamaTwinVector,
  startOllamaTwin,
  type OllamaTwin,
} from '../../../../test/twins/ollama/index.js';
import { embeddingsConfigFromEnv, parseEmbeddingsConfig } from './config.js';
import { createEmbedder, embedderFromEnv } from './embedder.js';
import { createOllamaEmbedder } from './ollama-embedder.js';

let twin: OllamaTwin;
beforeAll(async () => {
  twin = await startOllamaTwin({ contextLength: 32 });
});
afterAll(async () => twin.close());
beforeEach(() => {
  twin.resetCounts();
  twin.requests.length = 0;
  twin.faults.clear();
});

/** Records the waits the HTTP client asks for instead of sleeping. */
function fakeClock(): Clock & { slept: number[] } {
  let t = 1_700_000_000_000;
  const slept: number[] = [];
  return { slept, now: () => t, sleep: async (ms) => void (slept.push(ms), (t += ms)) };
}

describe('createOllamaEmbedder (POST /api/embed)', () => {
  it('embeds in batches, in order, asking Ollama to truncate; answers validate against the Ollama spec', async () => {
    const embedder = createOllamaEmbedder({ url: twin.url, model: 'all-minilm', dimensions: 16, batchSize: 2 });
    const texts = ['a car', 'an automobile', 'the storm', 'banana'];
    expect(await embedder.embed(texts)).toEqual(texts.map((t) => ollamaTwinVector(t)));
    expect(twin.requests.map((r) => r.input)).toEqual([
      ['a car', 'an automobile'],
      ['the storm', 'banana'],
    ]);
    expect(twin.requests.every((r) => r.model === 'all-minilm' && r.truncate === true)).toBe(true);
    expect(await embedder.embed([])).toEqual([]);
    expect(embedder).toMatchObject({ id: `ollama:all-minilm@${twin.url}`, dimensions: 16 });
    expect(ollamaSpecProblems(twin.exchanges)).toEqual([]);
  });

  it('an input longer than the context is embedded (truncated by Ollama), never refused', async () => {
    const embedder = createOllamaEmbedder({ url: twin.url, model: 'all-minilm', dimensions: 16 });
    const long = Array.from({ length: 500 }, () => 'car').join(' ');
    const [v] = await embedder.embed([long]);
    expect(v).toEqual(ollamaTwinVector(Array.from({ length: 32 }, () => 'car').join(' ')));
  });

  it('retries a busy 503 and a 429 as Retry-After says, then succeeds', async () => {
    const clock = fakeClock();
    const embedder = createOllamaEmbedder({ url: twin.url, model: 'all-minilm', dimensions: 16, clock });
    twin.busy(1);
    twin.rateLimit(1, 4);
    expect(await embedder.embed(['rain'])).toEqual([ollamaTwinVector('rain')]);
    expect(twin.counts().embed).toBe(3);
    expect(clock.slept).toContain(4000);
    expect(ollamaSpecProblems(twin.exchanges)).toEqual([]);
  });

  it('a busy server that stays busy ends in a retryable upstream_unavailable', async () => {
    const embedder = createOllamaEmbedder({
      url: twin.url,
      model: 'all-minilm',
      dimensions: 16,
      clock: fakeClock(),
      retries: 1,
    });
    twin.busy(5);
    await expect(embedder.embed(['rain'])).rejects.toMatchObject({ code: 'upstream_unavailable', retryable: true });
  });

  it('an answer that is not Ollama-shaped (a non-number, a missing vector) is upstream_error', async () => {
    const embedder = createOllamaEmbedder({ url: twin.url, model: 'all-minilm', dimensions: 16 });
    twin.faults.inject({ route: 'embed', status: 200, body: { model: 'all-minilm', embeddings: [['x']] } });
    await expect(embedder.embed(['car'])).rejects.toMatchObject({ code: 'upstream_error' });
    twin.faults.inject({ route: 'embed', status: 200, body: { model: 'all-minilm', embeddings: [] } });
    await expect(embedder.embed(['car'])).rejects.toMatchObject({ code: 'upstream_error' });
  });

  it('a model that was not pulled is invalid_config telling to ollama pull it; a wrong dimension names the right one', async () => {
    const missing = createOllamaEmbedder({ url: twin.url, model: 'mxbai-embed-large', dimensions: 1024 });
    const err = await missing.embed(['car']).catch((e) => e);
    expect(err).toMatchObject({ code: 'invalid_config', retryable: false });
    expect(err.message).toContain('ollama pull mxbai-embed-large');
    const wrong = createOllamaEmbedder({ url: twin.url, model: 'all-minilm', dimensions: 384 });
    await expect(wrong.embed(['car'])).rejects.toMatchObject({
      code: 'invalid_config',
      message: /set the embeddings dimensions to 16/,
    });
  });
});

describe('embeddings config (file/API schema and TRIBUTARY_EMBEDDINGS_*)', () => {
  it('selects Ollama by TRIBUTARY_EMBEDDINGS_PROVIDER, with the default local URL', async () => {
    expect(
      embeddingsConfigFromEnv({
        TRIBUTARY_EMBEDDINGS_PROVIDER: 'ollama',
        TRIBUTARY_EMBEDDINGS_MODEL: 'nomic-embed-text',
        TRIBUTARY_EMBEDDINGS_DIMENSIONS: '768',
      }),
    ).toEqual({ provider: 'ollama', url: 'http://127.0.0.1:11434', model: 'nomic-embed-text', dimensions: 768 });
    const embedder = embedderFromEnv({
      TRIBUTARY_EMBEDDINGS_PROVIDER: 'ollama',
      TRIBUTARY_EMBEDDINGS_URL: twin.url,
      TRIBUTARY_EMBEDDINGS_MODEL: 'nomic-embed-text',
      TRIBUTARY_EMBEDDINGS_DIMENSIONS: '16',
      TRIBUTARY_EMBEDDINGS_BATCH_SIZE: '1',
    })!;
    expect(await embedder.embed(['car', 'rain'])).toEqual([ollamaTwinVector('car'), ollamaTwinVector('rain')]);
    expect(twin.counts().embed).toBe(2);
  });

  it('keeps the old variables meaning an OpenAI-compatible server (Ollama serves /v1/embeddings too)', async () => {
    const config = embeddingsConfigFromEnv({
      TRIBUTARY_EMBEDDINGS_URL: twin.url,
      TRIBUTARY_EMBEDDINGS_MODEL: 'all-minilm',
      TRIBUTARY_EMBEDDINGS_DIMENSIONS: '16',
      TRIBUTARY_EMBEDDINGS_API_KEY: 'sk-secret',
    });
    expect(config).toEqual({
      provider: 'openai',
      url: twin.url,
      model: 'all-minilm',
      dimensions: 16,
      apiKey: 'sk-secret',
    });
    expect(await createEmbedder(config!).embed(['automobile'])).toEqual([ollamaTwinVector('automobile')]);
    expect(twin.counts()['openai.embeddings']).toBe(1);
    expect(embeddingsConfigFromEnv({})).toBeUndefined();
  });

  it('names the bad variable or field, and never echoes the API key', () => {
    expect(() => embeddingsConfigFromEnv({ TRIBUTARY_EMBEDDINGS_PROVIDER: 'bert' })).toThrow(
      /TRIBUTARY_EMBEDDINGS_PROVIDER/,
    );
    expect(() =>
      embeddingsConfigFromEnv({ TRIBUTARY_EMBEDDINGS_PROVIDER: 'ollama', TRIBUTARY_EMBEDDINGS_DIMENSIONS: '8' }),
    ).toThrow(/TRIBUTARY_EMBEDDINGS_MODEL/);
    expect(() => embeddingsConfigFromEnv({ TRIBUTARY_EMBEDDINGS_PROVIDER: 'onnx' })).toThrow(
      /TRIBUTARY_EMBEDDINGS_MODEL_DIR/,
    );
    const err = (() => {
      try {
        embeddingsConfigFromEnv({
          TRIBUTARY_EMBEDDINGS_URL: 'not a url',
          TRIBUTARY_EMBEDDINGS_MODEL: 'm',
          TRIBUTARY_EMBEDDINGS_DIMENSIONS: '3',
          TRIBUTARY_EMBEDDINGS_API_KEY: 'sk-very-secret',
        });
      } catch (e) {
        return e as Error & { code: string };
      }
    })();
    expect(err).toMatchObject({ code: 'invalid_config', message: expect.stringContaining('TRIBUTARY_EMBEDDINGS_URL') });
    expect(JSON.stringify({ ...err, message: err!.message })).not.toContain('sk-very-secret');
    expect(() => parseEmbeddingsConfig({ provider: 'ollama', model: '', dimensions: 0, extra: 1 })).toThrow(
      expect.objectContaining({
        code: 'invalid_config',
        issues: expect.arrayContaining([
          expect.objectContaining({ path: 'embeddings.model' }),
          expect.objectContaining({ path: 'embeddings.dimensions' }),
        ]),
      }),
    );
  });
});
