import { secretFieldPaths, type AnyConnector, type Item } from '@tributary/sdk';
import type {
  IngestResult,
  MemoryWithVersions,
  RunRecord,
  SearchHit,
  SourceRecord,
  SourceStats,
  TimelineEntry,
  TokenRecord,
  UserRecord,
} from '@tributary/engine';
import { maskSecrets } from '../cli/mask.js';
import type { IngestRequest } from './schemas/ingest.js';

/*
 * Engine records (camelCase) ⇄ the wire (snake_case, as in the seed's IngestRequest). One place, so every route
 * and the MCP tools speak the same shapes.
 */

// A connector's secret paths come from walking its zod schema (~1 ms): once per connector, not once per source.
const secretPaths = new WeakMap<AnyConnector, string[]>();
function secretPathsOf(connector: AnyConnector): string[] {
  let paths = secretPaths.get(connector);
  if (!paths) secretPaths.set(connector, (paths = secretFieldPaths(connector.manifest.config)));
  return paths;
}

/** A source, secret config values masked. */
export function sourceWire(s: SourceRecord, connector: AnyConnector | undefined) {
  return {
    id: s.id,
    name: s.name,
    source_type: s.sourceType,
    owner_id: s.ownerId,
    status: s.status,
    config: maskSecrets(s.config, connector ? secretPathsOf(connector) : []),
    features: s.features,
    schedule: s.schedule
      ? {
          ...(s.schedule.intervalMinutes !== undefined ? { interval_minutes: s.schedule.intervalMinutes } : {}),
          ...(s.schedule.cron !== undefined ? { cron: s.schedule.cron } : {}),
        }
      : null,
    error_message: s.errorMessage,
    last_sync_at: s.lastSyncAt,
    last_sync_position: s.lastSyncPosition,
    created_at: s.createdAt,
    updated_at: s.updatedAt,
  };
}

/** `{ interval_minutes, cron }` → the engine's schedule. */
export function scheduleFromWire(
  s: { interval_minutes?: number | undefined; cron?: string | undefined } | null | undefined,
) {
  if (s === undefined) return undefined;
  if (s === null) return null;
  return {
    ...(s.interval_minutes !== undefined ? { intervalMinutes: s.interval_minutes } : {}),
    ...(s.cron !== undefined ? { cron: s.cron } : {}),
  };
}

export function runWire(r: RunRecord) {
  return {
    id: r.id,
    source_id: r.sourceId,
    mode: r.mode,
    trigger: r.trigger,
    status: r.status,
    started_at: r.startedAt,
    finished_at: r.finishedAt,
    items_seen: r.itemsSeen,
    created: r.created,
    updated: r.updated,
    deleted: r.deleted,
    unchanged: r.unchanged,
    failed: r.failed,
    api_calls: r.apiCalls,
    rate_limit_wait_ms: r.rateLimitWaitMs,
    error: r.error,
    error_code: r.errorCode,
  };
}

export function statsWire(s: SourceStats) {
  return {
    source_id: s.sourceId,
    memories: s.memories,
    deleted: s.deleted,
    versions: s.versions,
    by_stream: s.byStream,
    oldest: s.oldest,
    newest: s.newest,
    runs: s.runs,
  };
}

/** The snippet with matches marked « » whatever the store used. */
function snippet(text: string): string {
  return text
    .replace(/<mark>/g, '«')
    .replace(/<\/mark>/g, '»')
    .replace(/\s+/g, ' ')
    .trim();
}

export function hitWire(h: SearchHit) {
  return {
    memory_id: h.memoryId,
    score: h.score,
    title: h.title,
    snippet: snippet(h.snippet),
    source_id: h.sourceId,
    source_name: h.sourceName,
    connector: h.connector,
    external_id: h.externalId,
    stream: h.stream,
    url: h.url,
    author: h.author,
    container: h.container,
    thread: h.thread,
    occurred_at: h.occurredAt,
    tags: h.tags,
    importance: h.importance,
    domain: h.domain,
  };
}

export function timelineWire(e: TimelineEntry) {
  return {
    memory_id: e.id,
    source_id: e.sourceId,
    source_name: e.sourceName,
    external_id: e.externalId,
    stream: e.stream,
    title: e.title,
    preview: e.preview,
    url: e.url,
    author: e.author,
    container: e.container,
    thread: e.thread,
    occurred_at: e.occurredAt,
    tags: e.tags,
    importance: e.importance,
    domain: e.domain,
  };
}

export function memoryWire(m: MemoryWithVersions) {
  return {
    id: m.id,
    source_id: m.sourceId,
    source_name: m.sourceName,
    source_type: m.sourceType,
    external_id: m.externalId,
    stream: m.stream,
    title: m.title,
    content: m.content,
    content_type: m.contentType,
    url: m.url,
    author: m.author,
    container: m.container,
    thread: m.thread,
    occurred_at: m.occurredAt,
    ingested_at: m.ingestedAt,
    updated_at: m.updatedAt,
    content_hash: m.contentHash,
    version: m.version,
    deleted_at: m.deletedAt,
    tags: m.tags,
    metadata: m.metadata,
    importance: m.importance,
    domain: m.domain,
    versions: m.versions.map((v) => ({
      version: v.version,
      title: v.title,
      content: v.content,
      content_hash: v.contentHash,
      metadata: v.metadata,
      superseded_at: v.supersededAt,
    })),
  };
}

export function userWire(u: UserRecord) {
  return { id: u.id, name: u.name, is_admin: u.isAdmin, allowed_roots: u.allowedRoots, created_at: u.createdAt };
}

export function tokenWire(t: TokenRecord) {
  return {
    id: t.id,
    user_id: t.userId,
    name: t.name,
    read_only: t.readOnly,
    scope: t.scope,
    created_at: t.createdAt,
    last_used_at: t.lastUsedAt,
    revoked_at: t.revokedAt,
  };
}

/** Unix seconds (or ms when > 1e12) or ISO → ISO 8601. */
function timestamp(v: string | number | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string') return new Date(v).toISOString();
  return new Date(v > 1e12 ? v : v * 1000).toISOString();
}

/** The seed's ingest item → the engine's Item (`metadata` keeps whatever is not a first-class field). */
export function itemFromWire(w: IngestRequest['items'][number]): Item {
  const { timestamp: ts, author, channel, thread_id, title, url, stream, tags, ...rest } = w.metadata ?? {};
  const item: Item = {
    externalId: w.external_id,
    stream: stream ?? 'messages',
    content: w.content,
    contentType: w.content_type ?? 'text',
    metadata: rest,
  };
  const occurredAt = timestamp(ts as string | number | undefined);
  if (occurredAt !== undefined) item.occurredAt = occurredAt;
  if (author !== undefined) item.author = author;
  if (channel !== undefined) item.container = channel;
  if (thread_id !== undefined) item.thread = thread_id;
  if (title !== undefined) item.title = title;
  if (url !== undefined) item.url = url;
  if (tags !== undefined) item.tags = tags;
  return item;
}

/** The engine's result → the seed's IngestResponse (+ updated/deleted). */
export function ingestResultWire(r: IngestResult) {
  return {
    processed: r.processed,
    memories_created: r.created,
    memories_updated: r.updated,
    memories_deleted: r.deleted,
    duplicates_skipped: r.unchanged,
    checkpoint: r.checkpoint,
  };
}

/** Test helper: a whole seed-format item list mapped to engine items. */
export function itemsFromWireForTest(items: Array<Record<string, unknown>>): Item[] {
  return items.map((i) => itemFromWire(i as IngestRequest['items'][number]));
}
