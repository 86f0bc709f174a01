import type { VectorIndex } from '../vector-port.js';
import type { VectorStore } from '../vector-queue.js';

/**
 * The store with its vectors in another index (Qdrant) instead of its own (sqlite-vec, pgvector). Everything else —
 * chunks, the embedding backlog (in the store's own transactions), memories — stays in the store, so the backlog
 * keeps every change for Qdrant while Qdrant is down. The result delegates to the store (it is the prototype).
 */
export function withVectorIndex<S extends VectorStore>(store: S, index: VectorIndex, description: string): S {
  const wrapped = Object.create(store) as S;
  Object.defineProperties(wrapped, {
    vectorIndex: { value: index, enumerable: true },
    vectorSupport: { value: () => ({ enabled: true, reason: description }), enumerable: true },
  });
  return wrapped;
}
