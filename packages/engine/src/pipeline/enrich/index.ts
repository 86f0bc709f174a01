import { createDomainClassifier, type DomainTaxonomy } from './domain.js';
import { readSignals, scoreImportance } from './importance.js';

export * from './domain.js';
export * from './importance.js';

/** Enrichment settings (engine option `enrichment`). */
export interface EnrichmentOptions {
  /** Names/handles/addresses of the user: authorship and `@mentions` of these raise importance. */
  self?: string[];
  /** Replaces the default taxonomy (work, code, personal, finance, travel, health, learning). */
  domains?: DomainTaxonomy;
}

export interface EnrichInput {
  title: string | null;
  content: string;
  author: string | null;
  container: string | null;
  tags: string[];
  metadata: Record<string, unknown>;
}

export interface Enricher {
  enrich(item: EnrichInput, connector?: string): { importance: number; domain: string | null };
}

/**
 * The importance and domain stages of the pipeline. Pure over stored fields, so `reindex --enrichment` re-scores
 * stored memories without fetching anything again.
 */
export function createEnricher(options: EnrichmentOptions = {}): Enricher {
  const classifier = createDomainClassifier(options.domains);
  return {
    enrich(item, connector) {
      return {
        importance: scoreImportance(readSignals(item, options.self), connector),
        domain: classifier.classify(item, connector),
      };
    },
  };
}
