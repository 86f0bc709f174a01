import { z } from '@hono/zod-openapi';
import type { DeadJobView } from '../../jobs/dead-letters.js';

/** A job in the dead-letter queue: it failed `attempts` times (or once, with an error retrying cannot fix). */
export const DeadJobSchema = z
  .object({
    id: z.string(),
    type: z.string().openapi({ example: 'slack:sync' }),
    source_id: z.string(),
    source_name: z.string().nullable().describe('null when the source was removed since'),
    user_id: z.string(),
    attempts: z.number().int(),
    enqueued_at: z.string(),
    failed_at: z.string(),
    error: z.string().describe('The last failure, `code: message`.'),
  })
  .openapi('DeadJob');

export const DeadJobListSchema = z.object({ jobs: z.array(DeadJobSchema) }).openapi('DeadJobList');

export const DeadJobQuerySchema = z
  .object({
    source: z.string().min(1).max(200).optional().describe('Only the dead jobs of this source (id or name).'),
    limit: z.coerce.number().int().min(1).max(10_000).optional().describe('@default all'),
  })
  .strict();

/** `POST /jobs/dead/retry` and `/jobs/dead/discard`: every dead job the caller may see, or those of one source. */
export const DeadJobBulkSchema = z
  .object({
    all: z.literal(true).describe('Required: acting on every dead job is never implied.'),
    source: z.string().min(1).max(200).optional().describe('Only the dead jobs of this source (id or name).'),
  })
  .strict()
  .openapi('DeadJobBulk');

export const DeadJobBulkResultSchema = z
  .object({ count: z.number().int(), jobs: z.array(DeadJobSchema) })
  .openapi('DeadJobBulkResult');

export function deadJobWire(j: DeadJobView): z.output<typeof DeadJobSchema> {
  return {
    id: j.id,
    type: j.type,
    source_id: j.sourceId,
    source_name: j.sourceName,
    user_id: j.userId,
    attempts: j.attempts,
    enqueued_at: j.enqueuedAt,
    failed_at: j.failedAt,
    error: j.error,
  };
}
