import { createHash, hash } from 'node:crypto';
import {
  createRedactor,
  DEFAULT_SECRET_PATTERNS,
  ItemSchema,
  type Item,
  type ValidItem,
  type RedactionPattern,
  zodIssues,
  formatIssues,
} from '@tributary/sdk';
import type { PreparedItem } from '../store/types.js';
import { chunkContent, type ChunkOptions } from './chunk.js';
import { normalizeContent, normalizeTitle } from './normalize.js';
import { extractTags } from './tags.js';
import { validItemFast } from './validate-fast.js';
import { createEnricher, type EnrichmentOptions } from './enrich/index.js';

/** Bump when normalization, redaction or chunking changes meaning: fingerprints then differ and items re-process. */
export const PIPELINE_VERSION = '1';

export interface PipelineOptions {
  /** Exact secret values to redact (the source's credentials and secret config fields). */
  secrets?: string[];
  /** Patterns on top of the defaults. */
  redactionPatterns?: RedactionPattern[];
  chunking?: ChunkOptions;
  /** The source's connector: selects its importance weights and domain leanings. */
  connector?: string;
  /** Importance and domain settings (the user's identities, the domain taxonomy). */
  enrichment?: EnrichmentOptions;
  /** The user's exclusion rules (engine/privacy.ts): matching items are never stored. */
  exclude?: Array<{ field: 'author' | 'container' | 'text'; pattern: RegExp }>;
}

export interface ItemFailure {
  externalId?: string;
  message: string;
}

export interface Pipeline {
  /** Fingerprint of a raw item: the unchanged fast path compares it with the stored one. */
  fingerprint(item: Item): string;
  /** validate → redact → normalize → hash → tags → importance → domain → chunk. Invalid items come back as failures, not exceptions. */
  prepare(item: Item, fingerprint: string): PreparedItem | ItemFailure;
  /** True when an exclusion rule drops the item: the page writer stores nothing of it (and tombstones an old copy). */
  excluded(item: Item): boolean;
}

/** Schema validation alone (what push ingestion checks for a whole batch before anything is written). */
export function validateItem(raw: Item): { item: ValidItem } | ItemFailure {
  const parsed = ItemSchema.safeParse(raw);
  if (parsed.success) return { item: parsed.data };
  return {
    externalId: typeof (raw as any)?.externalId === 'string' ? (raw as any).externalId : undefined,
    message: `Invalid item: ${formatIssues(zodIssues(parsed.error.issues, 'item'))}`,
  };
}

export function isFailure(x: PreparedItem | ItemFailure): x is ItemFailure {
  return (x as PreparedItem).contentHash === undefined;
}

// One-shot `hash` over the joined string: the same digest as the streamed updates, without a Hash object per call
// (a backfill hashes every item twice and every chunk once).
/** Already `toISOString()`'s form with a day every month has: kept as is (the Date round trip costs ~0.7 µs). */
const CANONICAL_ISO = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2[0-8])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;

/** An item's timestamp as UTC ISO text; a day past the 28th goes through Date, which rolls 02-30 over to 03-02. */
export function isoTimestamp(value: string): string {
  return CANONICAL_ISO.test(value) ? value : new Date(value).toISOString();
}

export function contentHash(stream: string, title: string | null, content: string): string {
  return hash('sha256', `${stream}\u0000${title ?? ''}\u0000${content}`, 'hex');
}

export function createPipeline(options: PipelineOptions = {}): Pipeline {
  const patterns = options.redactionPatterns?.length
    ? [...DEFAULT_SECRET_PATTERNS, ...options.redactionPatterns]
    : DEFAULT_SECRET_PATTERNS;
  const redact = createRedactor(options.secrets ?? [], patterns);
  const salt = `${PIPELINE_VERSION}:${createHash('sha256')
    .update(
      JSON.stringify([
        options.secrets?.length ?? 0,
        patterns.map((p) => p.pattern.source),
        options.chunking ?? {},
        (options.exclude ?? []).map((r) => [r.field, r.pattern.source, r.pattern.flags]),
      ]),
    )
    .digest('hex')
    .slice(0, 12)}`;

  const enricher = createEnricher(options.enrichment);
  const redactDeep = (value: unknown, depth = 0): unknown => {
    if (typeof value === 'string') return redact(value);
    if (depth > 6 || value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v, depth + 1);
    return out;
  };

  const exclude = options.exclude ?? [];
  const matches = (re: RegExp, v: unknown): boolean => {
    if (typeof v !== 'string' || !v) return false;
    re.lastIndex = 0;
    return re.test(v);
  };
  return {
    excluded(item) {
      return exclude.some((r) =>
        r.field === 'text'
          ? matches(r.pattern, item.content) || matches(r.pattern, item.title)
          : matches(r.pattern, item[r.field]),
      );
    },
    fingerprint(item) {
      return hash('sha256', salt + JSON.stringify(item), 'base64url');
    },
    prepare(raw, fingerprint) {
      let item = validItemFast(raw);
      if (!item) {
        const parsed = validateItem(raw);
        if ('message' in parsed) return parsed;
        item = parsed.item;
      }
      const normalized = normalizeContent(redact(item.content), item.contentType);
      const title = normalizeTitle(item.title === undefined ? undefined : redact(item.title));
      const tags = extractTags(normalized.content, item.tags, normalized.contentType === 'code');
      const metadata = item.metadata ? (redactDeep(item.metadata) as Record<string, unknown>) : {};
      const author = item.author ?? null;
      const container = item.container ?? null;
      const enriched = enricher.enrich(
        { title, content: normalized.content, author, container, tags, metadata },
        options.connector,
      );
      return {
        externalId: item.externalId,
        stream: item.stream,
        title,
        content: normalized.content,
        contentType: normalized.contentType,
        url: item.url ?? null,
        author,
        container,
        thread: item.thread ?? null,
        occurredAt: item.occurredAt ? isoTimestamp(item.occurredAt) : null,
        tags,
        metadata,
        importance: enriched.importance,
        domain: enriched.domain,
        contentHash: contentHash(item.stream, title, normalized.content),
        fingerprint,
        chunks: chunkContent(normalized.content, normalized.contentType, options.chunking),
      };
    },
  };
}
