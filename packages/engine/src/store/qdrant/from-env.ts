import { TributaryError } from '@tributary/sdk/errors';
import type { QdrantVectorOptions } from './index.js';

/**
 * Qdrant as the vector backend, when `TRIBUTARY_QDRANT_URL` is set (otherwise undefined: vectors stay in the store,
 * sqlite-vec or pgvector). `TRIBUTARY_QDRANT_API_KEY` when the server needs one; `TRIBUTARY_QDRANT_COLLECTION_PREFIX`
 * names this deployment's collections (default `tributary`).
 * @throws TributaryError `invalid_config` naming the variable
 */
export function qdrantOptionsFromEnv(env: Record<string, string | undefined>): QdrantVectorOptions | undefined {
  const url = env.TRIBUTARY_QDRANT_URL?.trim();
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (err) {
    throw new TributaryError('invalid_config', `TRIBUTARY_QDRANT_URL is not a valid URL: "${url}".`, {
      cause: err,
      issues: [{ path: 'TRIBUTARY_QDRANT_URL', message: 'not a URL' }],
    });
  }
  if (!/^https?:$/.test(parsed.protocol))
    throw new TributaryError('invalid_config', 'TRIBUTARY_QDRANT_URL must be an http(s) URL (the REST port, 6333).', {
      issues: [{ path: 'TRIBUTARY_QDRANT_URL', message: 'http or https' }],
    });
  // A credential in the URL would show wherever the backend is described (status, logs): the key has its variable.
  if (parsed.username || parsed.password)
    throw new TributaryError(
      'invalid_config',
      'TRIBUTARY_QDRANT_URL must not carry credentials: put the API key in TRIBUTARY_QDRANT_API_KEY.',
      { issues: [{ path: 'TRIBUTARY_QDRANT_URL', message: 'no user:password@' }] },
    );
  const prefix = env.TRIBUTARY_QDRANT_COLLECTION_PREFIX?.trim();
  if (prefix !== undefined && prefix !== '' && !/^[A-Za-z0-9_-]{1,64}$/.test(prefix))
    throw new TributaryError(
      'invalid_config',
      'TRIBUTARY_QDRANT_COLLECTION_PREFIX must be 1 to 64 letters, digits, "_" or "-".',
      { issues: [{ path: 'TRIBUTARY_QDRANT_COLLECTION_PREFIX', message: 'letters, digits, _ or -' }] },
    );
  const apiKey = env.TRIBUTARY_QDRANT_API_KEY?.trim();
  return { url, ...(apiKey ? { apiKey } : {}), ...(prefix ? { prefix } : {}) };
}
