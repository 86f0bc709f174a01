import type { Embedder } from '../embedding/embedder.js';
import type { MemoryStore } from '../store/types.js';
import type { VectorStore } from '../store/vector-queue.js';

export interface DrainOptions {
  /** Backlog entries per batch (one embedding call for the new texts among them). @default 256 */
  batchSize?: number;
  /** Stops between batches (a batch in flight finishes or fails whole). */
  signal?: AbortSignal;
  /** After every batch: how many entries are done and how many are still queued. */
  onProgress?(progress: { done: number; pending: number; embedded: number }): void;
  /** Stop after this many batches (tests, a worker's time slice). */
  maxBatches?: number;
}

export interface DrainResult {
  /** Texts sent to the embedder (new hashes). */
  embedded: number;
  /** Vectors kept, only their places changed (the text was embedded before). */
  rescoped: number;
  /** Vectors dropped: no live chunk has their text any more. */
  removed: number;
  batches: number;
}

type Deps = { store: MemoryStore & VectorStore; embedder: Embedder };

/**
 * Makes the embedder's model known to the vector index and turns on backlog recording. A model with no vectors
 * yet while chunks exist (first embedder, or a model change) queues every live chunk: its vectors are computed
 * from stored text, no source is read again.
 * @returns how many chunk hashes were queued (0 when the model was already there)
 */
export async function ensureEmbeddingModel({ store, embedder }: Deps): Promise<number> {
  const index = store.vectorIndex!;
  const known = (await index.models()).find((m) => m.id === embedder.id);
  await index.ensureModel({ id: embedder.id, dimensions: embedder.dimensions });
  const wasOn = await store.embeddingQueue.enabled();
  await store.embeddingQueue.enable();
  if (known && known.count > 0 && wasOn) return 0;
  return store.embeddingQueue.enqueueAll();
}

/**
 * Drains the embedding backlog: for each batch, hashes live somewhere and not yet embedded by this model are
 * embedded (one call) and stored with their places; hashes already embedded only get their places refreshed;
 * hashes live nowhere lose their vector. The batch leaves the backlog only after the index has it, so a crash
 * anywhere repeats at most that batch, and a repeated batch finds its vectors stored and embeds nothing again.
 * When the backlog is empty, vectors of other models (a model change) are dropped.
 */
export async function drainEmbeddingBacklog(deps: Deps, options: DrainOptions = {}): Promise<DrainResult> {
  const { store, embedder } = deps;
  const index = store.vectorIndex!;
  const queue = store.embeddingQueue;
  const batchSize = Math.max(1, options.batchSize ?? 256);
  const result: DrainResult = { embedded: 0, rescoped: 0, removed: 0, batches: 0 };
  let done = 0;
  for (;;) {
    if (options.signal?.aborted || (options.maxBatches !== undefined && result.batches >= options.maxBatches))
      return result;
    const entries = await queue.next(batchSize);
    if (!entries.length) break;
    const infos = await queue.describe([...new Set(entries.map((e) => e.hash))]);
    const live = infos.filter((i) => i.text !== null);
    const dead = infos.filter((i) => i.text === null).map((i) => i.hash);
    const stored = await index.has(
      embedder.id,
      live.map((i) => i.hash),
    );
    const fresh = live.filter((i) => !stored.has(i.hash));
    const vectors = fresh.length
      ? await embedder.embed(
          fresh.map((i) => i.text!),
          options.signal,
        )
      : [];
    if (fresh.length)
      await index.upsert(
        embedder.id,
        fresh.map((i, n) => ({ hash: i.hash, vector: vectors[n]!, scopes: i.scopes })),
      );
    const moved = live.filter((i) => stored.has(i.hash));
    if (moved.length) await index.setScopes(embedder.id, moved);
    if (dead.length) result.removed += await index.delete(embedder.id, dead);
    await queue.done(entries.map((e) => e.seq));
    result.embedded += fresh.length;
    result.rescoped += moved.length;
    result.batches++;
    done += entries.length;
    options.onProgress?.({ done, pending: await queue.size(), embedded: result.embedded });
  }
  for (const m of await index.models()) if (m.id !== embedder.id) await index.dropModel(m.id);
  return result;
}

/**
 * `reindex --embeddings`: queues every live chunk and drains with progress. Texts whose vector of this model is
 * stored are not embedded again (a repeated reindex only refreshes places); another model's vectors go at the end.
 */
export async function reindexEmbeddings(
  deps: Deps,
  options: DrainOptions = {},
): Promise<DrainResult & { queued: number }> {
  await deps.store.vectorIndex!.ensureModel({ id: deps.embedder.id, dimensions: deps.embedder.dimensions });
  await deps.store.embeddingQueue.enable();
  const queued = await deps.store.embeddingQueue.enqueueAll();
  return { queued, ...(await drainEmbeddingBacklog(deps, options)) };
}
