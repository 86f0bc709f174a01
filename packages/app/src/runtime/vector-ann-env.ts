import { TributaryError } from '@tributary/sdk';

/**
 * `TRIBUTARY_VECTOR_ANN_MIN`: from this many vectors of a model on, the embedded store answers semantic searches from
 * its HNSW side index (docs/search.md). Unset or empty: off, every semantic search is sqlite-vec's exact scan. Opt-in
 * because a graph is built (or rebuilt after a crash) synchronously by the process that searches first.
 */
export function sqliteVectorOptions(env: NodeJS.ProcessEnv): { hnsw?: { min: number } } {
  const raw = env.TRIBUTARY_VECTOR_ANN_MIN;
  if (raw === undefined || raw.trim() === '') return {};
  const min = Number(raw);
  if (!Number.isInteger(min) || min < 1)
    throw new TributaryError(
      'invalid_config',
      `TRIBUTARY_VECTOR_ANN_MIN="${raw}": use a whole number of vectors (e.g. 50000), or leave it unset for exact search.`,
      { issues: [{ path: 'TRIBUTARY_VECTOR_ANN_MIN', message: 'must be a positive whole number' }] },
    );
  return { hnsw: { min } };
}
