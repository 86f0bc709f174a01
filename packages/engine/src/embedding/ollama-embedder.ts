import { createHttpClient, TributaryError, type Clock } from '@tributary/sdk';
import type { Embedder } from './embedder.js';
import { isVectorList } from './vector-shape.js';

export interface OllamaEmbedderOptions {
  /** The Ollama server. @default http://127.0.0.1:11434 */
  url?: string;
  /** A model the user pulled (`ollama pull nomic-embed-text`): `all-minilm`, `nomic-embed-text`, `mxbai-embed-large`. */
  model: string;
  /** The model's vector length (`ollama show <model>`: `embedding length`). */
  dimensions: number;
  /** Texts per request. @default 32 */
  batchSize?: number;
  /** Attempts after the first for 429 / 5xx (503 "server busy") / network errors. @default the SDK budget (3) */
  retries?: number;
  fetch?: typeof globalThis.fetch;
  /** Tests inject a fake clock so retries do not sleep. */
  clock?: Clock;
}

/**
 * An embedder for Ollama's native `POST /api/embed` (`{ model, input: [...], truncate: true }` →
 * `{ embeddings: [[...]] }`). Inputs longer than the model's context are truncated by Ollama (`truncate: true`,
 * stated explicitly), never refused. Requests go through the SDK's HTTP client: 429, 503 (Ollama's "server busy"
 * when its queue is full) and network errors are retried with backoff.
 * @throws TributaryError `invalid_config` when the model is not pulled or answers another dimension
 */
export function createOllamaEmbedder(options: OllamaEmbedderOptions): Embedder {
  const base = (options.url ?? 'http://127.0.0.1:11434').replace(/\/+$/, '');
  const endpoint = `${base}/api/embed`;
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? 32));
  const http = createHttpClient({ fetch: options.fetch, clock: options.clock, retries: options.retries });

  async function embedBatch(input: string[], signal?: AbortSignal): Promise<number[][]> {
    let body: unknown;
    try {
      body = await http.json(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: options.model, input, truncate: true }),
        signal,
      });
    } catch (err) {
      if (!(err instanceof TributaryError)) throw err;
      if (err.code === 'not_found')
        throw new TributaryError(
          'invalid_config',
          `Ollama at ${base} has no model "${options.model}": pull it with \`ollama pull ${options.model}\`, or name a pulled model (\`ollama list\`).`,
          { cause: err, issues: [{ path: 'embeddings.model', message: 'not pulled on the Ollama server' }] },
        );
      throw new TributaryError(err.code, `Embedding with Ollama "${options.model}" failed: ${err.message}`, {
        cause: err,
        retryable: err.retryable,
      });
    }
    // https://github.com/ollama/ollama/blob/main/docs/api.md#generate-embeddings: { model, embeddings: [[…]] }
    const embeddings = (body as { embeddings?: unknown } | null)?.embeddings;
    if (!isVectorList(embeddings) || embeddings.length !== input.length)
      throw new TributaryError(
        'upstream_error',
        `${endpoint} did not answer like Ollama's embed API (expected { embeddings: [...] } with ${input.length} vectors).`,
      );
    for (const v of embeddings)
      if (v.length !== options.dimensions)
        throw new TributaryError(
          'invalid_config',
          `The Ollama model "${options.model}" returns vectors of ${v.length} dimensions, but ${options.dimensions} are configured: set the embeddings dimensions to ${v.length}.`,
          { issues: [{ path: 'embeddings.dimensions', message: `the model returns ${v.length}` }] },
        );
    return embeddings;
  }

  return {
    id: `ollama:${options.model}@${base}`,
    dimensions: options.dimensions,
    async embed(texts, signal) {
      const vectors: number[][] = [];
      for (let i = 0; i < texts.length; i += batchSize)
        vectors.push(...(await embedBatch(texts.slice(i, i + batchSize), signal)));
      return vectors;
    },
  };
}
