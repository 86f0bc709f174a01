import { z } from '@hono/zod-openapi';

const ScheduleSchema = z
  .object({
    interval_minutes: z.number().int().min(1).max(525600).optional().describe('Sync every N minutes.'),
    cron: z.string().min(1).max(200).optional().describe('A cron expression; wins over the interval.'),
  })
  .strict()
  .openapi('Schedule');

// A display name is free text ("Work Slack"); the engine refuses control characters and outer spaces.
const NameSchema = z.string().min(1).max(200).describe('Display name, free text; the id is the stable handle.');

/** `POST /sources`. */
export const SourceCreateSchema = z
  .object({
    source_type: z
      .string()
      .min(1)
      .max(64)
      .describe('The connector name (see GET /connectors).')
      .openapi({ example: 'push' }),
    name: NameSchema.openapi({ example: 'slack-exporter' }),
    config: z
      .record(z.string(), z.unknown())
      .optional()
      .describe("The connector's config (its JSON Schema: GET /connectors/{name})."),
    features: z.record(z.string(), z.boolean()).optional(),
    schedule: ScheduleSchema.nullable().optional(),
  })
  .strict()
  .openapi('SourceCreate');

/** `PATCH /sources/{id}`. */
export const SourcePatchSchema = z
  .object({
    name: NameSchema.optional(),
    config: z.record(z.string(), z.unknown()).optional(),
    features: z.record(z.string(), z.boolean()).optional(),
    schedule: ScheduleSchema.nullable().optional(),
  })
  .strict()
  .openapi('SourcePatch');

export const SourceSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    source_type: z.string(),
    owner_id: z.string(),
    status: z.enum(['active', 'paused', 'error']),
    config: z.record(z.string(), z.unknown()).describe('Secret fields are masked.'),
    features: z.record(z.string(), z.boolean()),
    schedule: ScheduleSchema.nullable(),
    error_message: z.string().nullable(),
    status_reason: z
      .string()
      .nullable()
      .optional()
      .describe("Why the source does not run whatever its status: 'connector disabled' (an admin disabled it)."),
    last_sync_at: z.string().nullable(),
    last_sync_position: z
      .unknown()
      .describe(
        "The last committed checkpoint, as set (a push exporter's string stays a string): resume from here. null: none.",
      ),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('Source');

export const SourceListSchema = z.object({ sources: z.array(SourceSchema) }).openapi('SourceList');

export const RunSchema = z
  .object({
    id: z.string(),
    source_id: z.string(),
    mode: z.string(),
    trigger: z.string(),
    status: z.enum(['running', 'succeeded', 'failed', 'aborted']),
    started_at: z.string(),
    finished_at: z.string().nullable(),
    items_seen: z.number(),
    created: z.number(),
    updated: z.number(),
    deleted: z.number(),
    unchanged: z.number(),
    failed: z.number(),
    api_calls: z.number(),
    rate_limit_wait_ms: z.number(),
    error: z.string().nullable(),
    error_code: z.string().nullable(),
  })
  .openapi('Run');

export const HistoryQuerySchema = z
  .object({ limit: z.coerce.number().int().min(1).max(500).default(50).optional() })
  .strict();

export const SyncQuerySchema = z
  .object({
    wait: z.enum(['true', 'false']).optional().describe('true: wait for the run to finish and return it.'),
    mode: z.enum(['incremental', 'full_refresh']).optional(),
  })
  .strict();

export const SyncResponseSchema = z
  .object({ status: z.enum(['started', 'finished']), run: RunSchema.optional() })
  .openapi('SyncStarted');

export const StatsSchema = z
  .object({
    source_id: z.string(),
    memories: z.number(),
    deleted: z.number(),
    versions: z.number(),
    by_stream: z.record(z.string(), z.number()),
    oldest: z.string().nullable(),
    newest: z.string().nullable(),
    runs: z.record(z.string(), z.number()),
  })
  .openapi('SourceStats');
