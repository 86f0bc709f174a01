import { TributaryError } from '@tributary/sdk/errors';

/**
 * `TRIBUTARY_VECTOR_ANN_MIN`: from this many vectors of a model on, the embedded store answers semantic searches from
 * its HNSW side index (docs/search.md), built in a worker thread while searches scan exactly. Unset or empty: the
 * store's default (20,000). `0`: off, every semantic search is sqlite-vec's exact scan.
 */
export function sqliteVectorOptions(env: NodeJS.ProcessEnv): { hnsw?: { min: number } | false } {
  const raw = env.TRIBUTARY_VECTOR_ANN_MIN;
  if (raw === undefined || raw.trim() === '') return {};
  const min = Number(raw);
  if (!Number.isInteger(min) || min < 0)
    throw new TributaryError(
      'invalid_config',
      `TRIBUTARY_VECTOR_ANN_MIN="${raw}": use a whole number of vectors (e.g. 50000), 0 to turn the graph off, or leave it unset for the default (20000).`,
      { issues: [{ path: 'TRIBUTARY_VECTOR_ANN_MIN', message: 'must be a whole number, 0 or more' }] },
    );
  return min === 0 ? { hnsw: false } : { hnsw: { min } };
}
