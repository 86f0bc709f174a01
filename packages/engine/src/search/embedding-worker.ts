import type { Logger } from '@tributary/sdk';
import type { Embedder } from '../embedding/embedder.js';
import type { MemoryStore } from '../store/types.js';
import { drainEmbeddingBacklog, ensureEmbeddingModel } from './embed-backlog.js';

export interface EmbeddingWorkerOptions {
  store: MemoryStore;
  embedder: Embedder;
  logger?: Logger;
  /** How often an idle worker looks at the backlog. @default 2000 */
  pollMs?: number;
  /** Wait after a failed batch (the embeddings server down): the backlog keeps every entry meanwhile. @default 30000 */
  retryMs?: number;
  batchSize?: number;
}

export interface EmbeddingWorker {
  /** Drain now instead of at the next poll (a page was committed). */
  kick(): void;
  /** Stops after the batch in flight. */
  stop(): Promise<void>;
}

/**
 * Drains the embedding backlog in the background of a long-running process (`up`, `worker`), one batch at a time:
 * embedding never holds up a page's commit, and a failing embeddings server only delays vectors.
 */
export function startEmbeddingWorker(options: EmbeddingWorkerOptions): EmbeddingWorker {
  const abort = new AbortController();
  let wake: (() => void) | null = null;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        wake = null;
        resolve();
      }, ms);
      wake = () => {
        clearTimeout(t);
        wake = null;
        resolve();
      };
    });
  const loop = (async () => {
    let ready = false;
    while (!abort.signal.aborted) {
      try {
        if (!ready) {
          const queued = await ensureEmbeddingModel(options);
          if (queued)
            options.logger?.info(`embedding backlog: ${queued} chunk texts queued for ${options.embedder.id}`);
          ready = true;
        }
        const r = await drainEmbeddingBacklog(options, { signal: abort.signal, batchSize: options.batchSize });
        if (r.embedded || r.removed) options.logger?.info('embedding backlog drained', { ...r });
        await sleep(options.pollMs ?? 2000);
      } catch (err) {
        if (abort.signal.aborted) break;
        options.logger?.warn('embedding backlog: batch failed, will retry', { reason: (err as Error).message });
        await sleep(options.retryMs ?? 30_000);
      }
    }
  })();
  return {
    kick: () => wake?.(),
    async stop() {
      abort.abort();
      wake?.();
      await loop;
    },
  };
}
