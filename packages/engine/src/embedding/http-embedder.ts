import { createHttpClient, TributaryError, type Clock } from '@tributary/sdk';
import { z } from 'zod';
import type { Embedder } from './embedder.js';
import { isVectorList } from './vector-shape.js';

export interface HttpEmbedderOptions {
  /** Server base URL (`https://api.openai.com`, `http://localhost:11434`); a trailing `/v1` is accepted too. */
  url: string;
  model: string;
  /** Bearer token (OpenAI); local servers usually need none. Never logged. */
  apiKey?: string;
  /** The model's vector length; answers of another length fail with `invalid_config`. */
  dimensions: number;
  /** Texts per request. @default 64 */
  batchSize?: number;
  /**
   * Longer texts are cut to this many characters before they are sent, so an input never exceeds the model's token
   * limit (OpenAI's embedding models take 8191 tokens; a token is at least one character of ordinary text).
   * Chunks are far shorter (≤ 2000 characters plus the title); this only guards odd inputs. @default 8000
   */
  maxInputChars?: number;
  /** Attempts after the first for 429 / 5xx / network errors. @default the SDK request budget (3) */
  retries?: number;
  fetch?: typeof globalThis.fetch;
  /** Tests inject a fake clock so retries do not sleep. */
  clock?: Clock;
}

// The vectors are checked by a loop, not z.array(z.number()) (see vector-shape.ts: zod copies every number).
const ResponseSchema = z.object({
  data: z.array(
    z.object({
      index: z.number().int().nonnegative(),
      embedding: z.custom<number[]>((v) => isVectorList([v]), 'an array of finite numbers'),
    }),
  ),
});

/**
 * An embedder for the OpenAI-compatible `POST /v1/embeddings` API (`{ model, input: [...] }` →
 * `{ data: [{ index, embedding }] }`), which OpenAI, Ollama and LM Studio all serve. Requests go through the
 * SDK's HTTP client: 429 with `Retry-After`, 5xx and network errors are retried with backoff.
 */
export function createHttpEmbedder(options: HttpEmbedderOptions): Embedder {
  const base = options.url.replace(/\/+$/, '').replace(/\/v1$/, '');
  const endpoint = `${base}/v1/embeddings`;
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? 64));
  const maxChars = Math.max(1, Math.floor(options.maxInputChars ?? 8000));
  const http = createHttpClient({ fetch: options.fetch, clock: options.clock, retries: options.retries });
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;

  async function embedBatch(input: string[], signal?: AbortSignal): Promise<number[][]> {
    let body: unknown;
    try {
      body = await http.json(endpoint, {
        method: 'POST',
        headers,
        body: JSON.stringify({ model: options.model, input }),
        signal,
      });
    } catch (err) {
      if (err instanceof TributaryError)
        throw new TributaryError(err.code, `Embedding with "${options.model}" failed: ${err.message}`, {
          cause: err,
          retryable: err.retryable,
        });
      throw err;
    }
    const parsed = ResponseSchema.safeParse(body);
    if (!parsed.success)
      throw new TributaryError(
        'upstream_error',
        `${endpoint} did not answer like an OpenAI-compatible embeddings API (expected { data: [{ index, embedding }] }).`,
      );
    const out: number[][] = new Array(input.length);
    for (const d of parsed.data.data) {
      if (d.embedding.length !== options.dimensions)
        throw new TributaryError(
          'invalid_config',
          `The embeddings model "${options.model}" returns vectors of ${d.embedding.length} dimensions, but ${options.dimensions} are configured: set TRIBUTARY_EMBEDDINGS_DIMENSIONS=${d.embedding.length}.`,
        );
      if (d.index < input.length) out[d.index] = d.embedding;
    }
    for (let i = 0; i < input.length; i++)
      if (!out[i])
        throw new TributaryError(
          'upstream_error',
          `${endpoint} returned no embedding for input ${i} of ${input.length}.`,
        );
    return out;
  }

  return {
    id: `${options.model}@${base}`,
    dimensions: options.dimensions,
    async embed(texts, signal) {
      const vectors: number[][] = [];
      for (let i = 0; i < texts.length; i += batchSize)
        vectors.push(
          ...(await embedBatch(
            texts.slice(i, i + batchSize).map((t) => (t.length > maxChars ? t.slice(0, maxChars) : t)),
            signal,
          )),
        );
      return vectors;
    },
  };
}
