import { TributaryError } from '@tributary/sdk';
import { createHttpEmbedder } from './http-embedder.js';

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
 * The embedder a deployment configures through the environment, or `undefined` when
 * `TRIBUTARY_EMBEDDINGS_URL` is unset (vector search off).
 *
 * - `TRIBUTARY_EMBEDDINGS_URL` — base URL of an OpenAI-compatible server (`https://api.openai.com`,
 *   `http://localhost:11434` for Ollama, `http://localhost:1234` for LM Studio)
 * - `TRIBUTARY_EMBEDDINGS_MODEL` — the model name (required with the URL)
 * - `TRIBUTARY_EMBEDDINGS_DIMENSIONS` — the model's vector length (required with the URL)
 * - `TRIBUTARY_EMBEDDINGS_API_KEY` — bearer token, when the server needs one
 * @throws TributaryError `invalid_config` naming the variable that is missing or wrong
 */
export function embedderFromEnv(
  env: Record<string, string | undefined>,
  options: { fetch?: typeof globalThis.fetch } = {},
): Embedder | undefined {
  const url = env.TRIBUTARY_EMBEDDINGS_URL?.trim();
  if (!url) return undefined;
  const model = env.TRIBUTARY_EMBEDDINGS_MODEL?.trim();
  if (!model)
    throw new TributaryError(
      'invalid_config',
      'TRIBUTARY_EMBEDDINGS_URL is set but TRIBUTARY_EMBEDDINGS_MODEL is not: name the embeddings model (e.g. text-embedding-3-small, nomic-embed-text).',
      { issues: [{ path: 'TRIBUTARY_EMBEDDINGS_MODEL', message: 'required when TRIBUTARY_EMBEDDINGS_URL is set' }] },
    );
  const rawDims = env.TRIBUTARY_EMBEDDINGS_DIMENSIONS?.trim() ?? '';
  const dimensions = Number(rawDims);
  if (!/^\d+$/.test(rawDims) || dimensions < 1 || dimensions > 16_000)
    throw new TributaryError(
      'invalid_config',
      `TRIBUTARY_EMBEDDINGS_DIMENSIONS must be the model's vector length, a whole number from 1 to 16000 (got "${rawDims}").`,
      { issues: [{ path: 'TRIBUTARY_EMBEDDINGS_DIMENSIONS', message: 'a whole number from 1 to 16000' }] },
    );
  try {
    new URL(url);
  } catch (err) {
    throw new TributaryError('invalid_config', `TRIBUTARY_EMBEDDINGS_URL is not a valid URL: "${url}".`, {
      cause: err,
      issues: [{ path: 'TRIBUTARY_EMBEDDINGS_URL', message: 'not a URL' }],
    });
  }
  const apiKey = env.TRIBUTARY_EMBEDDINGS_API_KEY?.trim() || undefined;
  return createHttpEmbedder({ url, model, dimensions, apiKey, fetch: options.fetch });
}
