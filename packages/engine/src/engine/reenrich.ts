import { createEnricher, type EnrichmentOptions } from '../pipeline/enrich/index.js';
import type { EnrichmentUpdate, MemoryStore } from '../store/types.js';

export interface ReenrichResult {
  /** Live memories read. */
  scanned: number;
  /** Memories whose importance or domain changed. */
  changed: number;
}

const BATCH = 500;

/**
 * Re-scores stored memories (importance, domain) from their stored content, author, tags and metadata: nothing is
 * fetched again, no version is made, the full-text index is untouched. Run after changing the taxonomy or `self`.
 */
export async function reenrichMemories(
  store: MemoryStore,
  options: EnrichmentOptions | undefined,
  filter: { sourceId?: string; ownerId?: string } = {},
): Promise<ReenrichResult> {
  const enricher = createEnricher(options);
  const sources = (await store.listSources(filter.ownerId ? { ownerId: filter.ownerId } : {})).filter(
    (s) => !filter.sourceId || s.id === filter.sourceId,
  );
  const result: ReenrichResult = { scanned: 0, changed: 0 };
  for (const source of sources) {
    let batch: EnrichmentUpdate[] = [];
    const flush = async (): Promise<void> => {
      if (batch.length) result.changed += await store.setEnrichment(batch);
      batch = [];
    };
    for await (const m of store.exportMemories(source.id)) {
      result.scanned++;
      const e = enricher.enrich(m, source.sourceType);
      if (e.importance !== m.importance || e.domain !== m.domain) batch.push({ id: m.id, ...e });
      if (batch.length >= BATCH) await flush();
    }
    await flush();
  }
  return result;
}
