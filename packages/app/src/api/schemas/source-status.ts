import { z } from '@hono/zod-openapi';
import { RunSchema } from './sources.js';

/** `GET /sources/{id}/status`: the seed's status endpoint — where a source stands and what happens next. */
export const SourceStatusSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    source_type: z.string(),
    status: z.enum(['active', 'paused', 'error']),
    error_message: z.string().nullable().describe('The last failure (a dead job names itself here).'),
    last_sync_at: z.string().nullable(),
    last_sync_position: z.unknown().describe('The last committed checkpoint, as the connector or exporter set it.'),
    running: RunSchema.nullable().describe("The running run's progress so far (counts are committed pages)."),
    last_run: RunSchema.nullable().describe('The newest finished run.'),
    schedule: z
      .object({ interval_minutes: z.number().optional(), cron: z.string().optional() })
      .nullable()
      .describe("The source's own schedule; null: none."),
    schedule_from: z
      .enum(['source', 'default', 'none'])
      .describe("'none': manual — the scheduler never syncs it; 'default': the operator's default interval."),
    schedule_status: z
      .enum([
        'scheduled',
        'due',
        'paused',
        'running',
        'backoff',
        'debouncing',
        'invalid',
        'manual',
        'connector_disabled',
        'no_worker',
      ])
      .describe("The scheduler's view now."),
    next_sync_at: z.string().nullable().describe('When the scheduler syncs it next (after any backoff); null: never.'),
    backoff: z
      .object({ consecutive_failures: z.number().int(), until: z.string().nullable() })
      .describe('Failed runs in a row, and until when scheduled syncs wait (null: no wait now).'),
    pending_webhook_events: z.number().int(),
    schedule_error: z.string().nullable().describe('Why the schedule cannot run (a bad cron expression).'),
    dead_letter: z
      .object({ count: z.number().int(), last_job_id: z.string(), last_failed_at: z.string(), last_error: z.string() })
      .nullable()
      .describe('Dead jobs of this source (retry or discard them under /jobs/dead); null: none or no queue here.'),
  })
  .openapi('SourceStatus');
