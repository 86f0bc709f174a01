import { z } from '@hono/zod-openapi';
import { MAX_PAGE, SEARCH_MODES } from '@tributary/engine';
import { csv, isoTime } from './common.js';

const filters = {
  source: csv('Source ids or names'),
  connector: csv('Connector names'),
  stream: csv('Streams (messages, issues, commits …)'),
  author: csv('Authors'),
  container: csv('Containers (channel, repo, folder)'),
  tag: csv('Tags'),
  since: isoTime('Only items that happened at or after this time'),
  until: isoTime('Only items that happened at or before this time'),
  min_importance: z.coerce
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe('Only memories whose importance (0–1, see docs/architecture.md) is at least this'),
  domain: csv('Domains (work, code, personal, finance, travel, health, learning, or your own taxonomy)'),
};

/** `GET /search` query, and the `search_memories` MCP tool input. */
export const SearchQuerySchema = z
  .object({
    q: z.string().min(1).max(1000).describe('Words and "phrases" (all must match); word* matches a prefix.'),
    ...filters,
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(MAX_PAGE)
      .optional()
      .describe(`Hits per page, at most ${MAX_PAGE} (more: follow next_cursor). @default 20`),
    offset: z.coerce.number().int().min(0).max(10_000).optional().describe('Start here (next_cursor wins). @default 0'),
    syntax: z.enum(['simple', 'fts']).optional().describe('simple (default) or the full-text engine syntax'),
    mode: z
      .enum(SEARCH_MODES)
      .optional()
      .describe(
        'keyword, semantic or hybrid (RRF of both, docs/search.md). @default hybrid when vectors exist, else keyword',
      ),
    cursor: z
      .string()
      .min(1)
      .max(2000)
      .optional()
      .describe('next_cursor of the previous page (same query and filters)'),
  })
  .strict();

export const SearchHitSchema = z
  .object({
    memory_id: z.string(),
    score: z.number(),
    title: z.string().nullable(),
    snippet: z.string().describe('Best passage; matches wrapped in « ».'),
    source_id: z.string(),
    source_name: z.string(),
    connector: z.string(),
    external_id: z.string(),
    stream: z.string(),
    url: z.string().nullable(),
    author: z.string().nullable(),
    container: z.string().nullable(),
    thread: z.string().nullable(),
    occurred_at: z.string().nullable(),
    tags: z.array(z.string()),
    importance: z.number().nullable().describe('0–1; null for memories stored before enrichment, until reindex'),
    domain: z.string().nullable(),
    lists: z.array(z.enum(['keyword', 'semantic'])).describe('The ranked lists the hit came from (hybrid fuses both)'),
  })
  .openapi('SearchHit');

export const SearchResponseSchema = z
  .object({
    query: z.string(),
    mode: z.enum(SEARCH_MODES),
    total: z.number().int().describe('Matching memories: exact, or a lower bound when total_exact is false'),
    total_exact: z.boolean(),
    next_cursor: z.string().nullable().describe('Pass as cursor for the next page; null on the last page'),
    embedding: z
      .object({
        model: z.string(),
        dimensions: z.number().int(),
        embedded: z.number().int().describe('Distinct chunk texts with a vector of this model'),
        pending: z.number().int().describe('Chunk texts waiting in the embedding backlog'),
        complete: z.boolean(),
      })
      .optional()
      .describe('How much of the corpus semantic search sees (when an embedder is configured)'),
    warnings: z.array(z.string()).optional(),
    hits: z.array(SearchHitSchema),
  })
  .openapi('SearchResult');

/** `GET /timeline` query, and the `timeline` MCP tool input. */
export const TimelineQuerySchema = z
  .object({
    since: filters.since,
    until: filters.until,
    source: filters.source,
    min_importance: filters.min_importance,
    domain: filters.domain,
    thread: z.string().min(1).max(1024).optional().describe('Only this conversation/thread'),
    limit: z.coerce.number().int().min(1).max(500).optional().describe('@default 50'),
    cursor: z.string().min(1).max(2000).optional().describe('next_cursor of the previous page'),
    order: z.enum(['asc', 'desc']).optional().describe('@default desc'),
  })
  .strict();

export const TimelineEntrySchema = z
  .object({
    memory_id: z.string(),
    source_id: z.string(),
    source_name: z.string(),
    external_id: z.string(),
    stream: z.string(),
    title: z.string().nullable(),
    preview: z.string(),
    url: z.string().nullable(),
    author: z.string().nullable(),
    container: z.string().nullable(),
    thread: z.string().nullable(),
    occurred_at: z.string().nullable(),
    tags: z.array(z.string()),
    importance: z.number().nullable(),
    domain: z.string().nullable(),
  })
  .openapi('TimelineEntry');

export const TimelineResponseSchema = z
  .object({ entries: z.array(TimelineEntrySchema), next_cursor: z.string().nullable() })
  .openapi('Timeline');

export const MemorySchema = z
  .object({
    id: z.string(),
    source_id: z.string(),
    source_name: z.string(),
    source_type: z.string(),
    external_id: z.string(),
    stream: z.string(),
    title: z.string().nullable(),
    content: z.string(),
    content_type: z.string(),
    url: z.string().nullable(),
    author: z.string().nullable(),
    container: z.string().nullable(),
    thread: z.string().nullable(),
    occurred_at: z.string().nullable(),
    ingested_at: z.string(),
    updated_at: z.string(),
    content_hash: z.string(),
    version: z.number(),
    deleted_at: z.string().nullable(),
    tags: z.array(z.string()),
    metadata: z.record(z.string(), z.unknown()),
    importance: z.number().nullable(),
    domain: z.string().nullable(),
    versions: z.array(
      z.object({
        version: z.number(),
        title: z.string().nullable(),
        content: z.string(),
        content_hash: z.string(),
        metadata: z.record(z.string(), z.unknown()),
        superseded_at: z.string(),
      }),
    ),
  })
  .openapi('Memory');

export type SearchQueryInput = z.output<typeof SearchQuerySchema>;
export type TimelineQueryInput = z.output<typeof TimelineQuerySchema>;
