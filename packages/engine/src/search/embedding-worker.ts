import { randomUUID } from 'node:crypto';
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
const LEASE = 'embedding-backlog';
const LEASE_MS = 120_000;
/** Batches per lease renewal. */
const SLICE = 20;

export function startEmbeddingWorker(options: EmbeddingWorkerOptions): EmbeddingWorker {
  const abort = new AbortController();
  const holder = `embedder-${randomUUID()}`;
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
        // One drainer at a time across processes (workers on PostgreSQL share one backlog): a lease, held for a
        // slice of batches at a time, so a killed holder's share moves on after the lease expires.
        const held =
          (await options.store.acquireLease(LEASE, holder, LEASE_MS)) ||
          (await options.store.renewLease(LEASE, holder, LEASE_MS));
        if (!held) {
          await sleep(options.pollMs ?? 2000);
          continue;
        }
        const r = await drainEmbeddingBacklog(options, {
          signal: abort.signal,
          batchSize: options.batchSize,
          maxBatches: SLICE,
        });
        if (r.embedded || r.removed) options.logger?.info('embedding backlog drained', { ...r });
        if (r.batches < SLICE) {
          await options.store.releaseLease(LEASE, holder);
          await sleep(options.pollMs ?? 2000);
        }
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
      await options.store.releaseLease(LEASE, holder).catch(() => undefined);
    },
  };
}
