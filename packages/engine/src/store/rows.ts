import type {
  MemoryRecord,
  RunRecord,
  SourceRecord,
  TokenRecord,
  UserRecord,
  CredentialEnvelope,
  TimelineEntry,
} from './types.js';

/** Row → record mappers shared by both adapters. Column names are the SQL ones (snake_case). */
type Row = any;

/** Parses a JSON column; PostgreSQL's jsonb arrives already parsed. */
export const json = <T>(text: unknown, fallback: T): T => {
  if (text === null || text === undefined || text === '') return fallback;
  if (typeof text !== 'string') return text as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
};

export function toSource(row: Row, features: Record<string, boolean>, checkpoint: string | null): SourceRecord {
  return {
    id: row.id,
    ownerId: row.owner_id,
    sourceType: row.source_type,
    name: row.name,
    config: json(row.config, {}),
    features,
    schedule: json(row.schedule, null),
    status: row.status,
    errorMessage: row.error_message ?? null,
    lastSyncAt: row.last_sync_at ?? null,
    lastSyncPosition: json(checkpoint, null),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function toRun(row: Row): RunRecord {
  return {
    id: row.id,
    sourceId: row.source_id,
    mode: row.mode,
    trigger: row.trigger,
    status: row.status,
    startedAt: row.started_at,
    finishedAt: row.finished_at ?? null,
    heartbeatAt: row.heartbeat_at ?? null,
    itemsSeen: Number(row.items_seen),
    created: Number(row.created),
    updated: Number(row.updated),
    deleted: Number(row.deleted),
    unchanged: Number(row.unchanged),
    failed: Number(row.failed),
    apiCalls: Number(row.api_calls),
    rateLimitWaitMs: Number(row.rate_limit_wait_ms),
    error: row.error ?? null,
    errorCode: row.error_code ?? null,
  };
}

export function toMemory(row: Row): MemoryRecord {
  return {
    id: String(row.id),
    sourceId: row.source_id,
    externalId: row.external_id,
    stream: row.stream,
    title: row.title ?? null,
    content: row.content,
    contentType: row.content_type,
    url: row.url ?? null,
    author: row.author ?? null,
    container: row.container ?? null,
    thread: row.thread ?? null,
    occurredAt: row.occurred_at ?? null,
    ingestedAt: row.ingested_at,
    updatedAt: row.updated_at,
    contentHash: row.content_hash,
    version: Number(row.version),
    deletedAt: row.deleted_at ?? null,
    tags: json(row.tags, []),
    metadata: json(row.metadata, {}),
    importance: row.importance === null || row.importance === undefined ? null : Number(row.importance),
    domain: row.domain ?? null,
  };
}

export function toUser(row: Row): UserRecord {
  return {
    id: row.id,
    name: row.name,
    isAdmin: row.is_admin === 1 || row.is_admin === true,
    allowedRoots: json(row.allowed_roots, []),
    createdAt: row.created_at,
  };
}

export function toToken(row: Row): TokenRecord {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    tokenHash: row.token_hash,
    readOnly: row.read_only === 1 || row.read_only === true,
    scope: row.scope,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at ?? null,
    revokedAt: row.revoked_at ?? null,
  };
}

export function toEnvelope(row: Row): CredentialEnvelope {
  return {
    sourceId: row.source_id,
    keyId: row.key_id,
    iv: row.iv,
    tag: row.tag,
    ciphertext: row.ciphertext,
    updatedAt: row.updated_at,
    revision: Number(row.revision),
  };
}

/** A timeline row (a memory row with `preview` instead of `content`, plus `source_name`) → entry. */
export function toTimelineEntry(row: Row): TimelineEntry {
  const { content: _content, ...memory } = toMemory({ ...row, content: '' });
  return { ...memory, sourceName: row.source_name, preview: row.preview, deletedAt: null };
}
