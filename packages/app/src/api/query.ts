import type { Engine, RankedSearchQuery, TimelineQuery } from '@tributary/engine';
import { TributaryError } from '@tributary/sdk';
import { ownedSource, type Caller } from './context.js';
import type { SearchQueryInput, TimelineQueryInput } from './schemas/search.js';
import { hitWire, memoryWire, timelineWire } from './wire.js';

/*
 * The read operations shared by the REST routes and the MCP tools: same inputs (the zod schemas), same scoping
 * (always the caller's user), same wire shapes.
 */

async function sourceIds(engine: Engine, p: Caller, names: string[] | undefined): Promise<string[] | undefined> {
  if (!names?.length) return undefined;
  return Promise.all(names.map(async (n) => (await ownedSource(engine, p, n)).id));
}

/** Ranked search within the caller's sources. */
export async function runSearch(engine: Engine, p: Caller, q: SearchQueryInput) {
  const query: RankedSearchQuery = {
    text: q.q,
    ownerId: p.user.id,
    limit: q.limit ?? 20,
    offset: q.offset ?? 0,
    syntax: q.syntax ?? 'simple',
  };
  if (q.mode) query.mode = q.mode;
  if (q.cursor) query.cursor = q.cursor;
  const ids = await sourceIds(engine, p, q.source);
  if (ids) query.sourceIds = ids;
  if (q.connector?.length) query.connectors = q.connector;
  if (q.stream?.length) query.streams = q.stream;
  if (q.author?.length) query.authors = q.author;
  if (q.container?.length) query.containers = q.container;
  if (q.tag?.length) query.tags = q.tag;
  if (q.since) query.since = q.since;
  if (q.until) query.until = q.until;
  if (q.min_importance !== undefined) query.minImportance = q.min_importance;
  if (q.domain?.length) query.domains = q.domain;
  const r = await engine.search(query);
  return {
    query: q.q,
    mode: r.mode,
    total: r.total,
    total_exact: r.totalExact,
    next_cursor: r.nextCursor,
    ...(r.embedding ? { embedding: r.embedding } : {}),
    ...(r.warnings ? { warnings: r.warnings } : {}),
    hits: r.hits.map((h) => ({ ...hitWire(h), lists: h.lists })),
  };
}

/** Time-ordered entries within the caller's sources. */
export async function runTimeline(engine: Engine, p: Caller, q: TimelineQueryInput) {
  const query: TimelineQuery = { ownerId: p.user.id, limit: q.limit ?? 50, order: q.order ?? 'desc' };
  const ids = await sourceIds(engine, p, q.source);
  if (ids) query.sourceIds = ids;
  if (q.thread) query.threads = [q.thread];
  if (q.since) query.since = q.since;
  if (q.until) query.until = q.until;
  if (q.cursor) query.cursor = q.cursor;
  if (q.min_importance !== undefined) query.minImportance = q.min_importance;
  if (q.domain?.length) query.domains = q.domain;
  const { entries, nextCursor } = await engine.timeline(query);
  return { entries: entries.map(timelineWire), next_cursor: nextCursor };
}

/** One memory of the caller with its versions. @throws `not_found` (also for another user's memory) */
export async function fetchMemory(engine: Engine, p: Caller, id: string) {
  const memory = await engine.getMemory(id, p.user.id);
  if (!memory)
    throw new TributaryError('not_found', `No memory "${id}".`, {
      issues: [{ path: 'path.id', message: 'no such memory' }],
    });
  return memoryWire(memory);
}
