import { embeddingsConfigFromEnv, type EmbeddingsConfig } from './config.js';
import { createHttpEmbedder } from './http-embedder.js';
import { createOllamaEmbedder } from './ollama-embedder.js';
import { createOnnxEmbedder } from './onnx-embedder.js';

/**
 * Turns texts into vectors. One embedder embeds both the stored chunks and the search queries, so their vectors
 * are comparable. Implementations batch internally and retry what is retryable.
 */
export interface Embedder {
  /** Names the model (and server): stored vectors from another id are not comparable. */
  readonly id: string;
  /** The length of every vector `embed` returns. */
  readonly dimensions: number;
  /**
   * One vector per text, in order.
   * @throws TributaryError `rate_limited` / `upstream_unavailable` (retryable) when retries ran out,
   *   `invalid_config` when the model answers with another dimension, `auth_invalid`, `upstream_error`.
   */
  embed(texts: string[], signal?: AbortSignal): Promise<number[][]>;
}

/**
 * The embedder an embeddings config describes (Ollama, OpenAI-compatible, local ONNX). Nothing is contacted here;
 * an ONNX model folder is read (a missing file fails now, not at the first sync).
 * @throws TributaryError `invalid_config`
 */
export function createEmbedder(config: EmbeddingsConfig, options: { fetch?: typeof globalThis.fetch } = {}): Embedder {
  switch (config.provider) {
    case 'ollama':
      return createOllamaEmbedder({ ...config, fetch: options.fetch });
    case 'openai':
      return createHttpEmbedder({ ...config, fetch: options.fetch });
    case 'onnx':
      return createOnnxEmbedder(config);
  }
}

/**
 * The embedder a deployment configures through the environment (see {@link embeddingsConfigFromEnv}), or
 * `undefined` when none is set (vector search off). `TRIBUTARY_EMBEDDINGS_URL` alone keeps meaning an
 * OpenAI-compatible server, as before `TRIBUTARY_EMBEDDINGS_PROVIDER` existed.
 * @throws TributaryError `invalid_config` naming the variable that is missing or wrong
 */
export function embedderFromEnv(
  env: Record<string, string | undefined>,
  options: { fetch?: typeof globalThis.fetch } = {},
): Embedder | undefined {
  const config = embeddingsConfigFromEnv(env);
  return config && createEmbedder(config, options);
}
