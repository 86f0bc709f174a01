import { z } from '@hono/zod-openapi';

/** 9999-12-31T23:59:59.999Z: the last instant an ISO 8601 time with a 4-digit year can name. */
const MAX_TIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** The seed's item metadata: known fields are mapped onto the item; anything else is kept as metadata. */
const IngestMetadataSchema = z
  .object({
    source_type: z.string().max(64).optional(),
    timestamp: z
      .union([
        z.string().datetime({ offset: true }),
        z
          .number()
          .nonnegative()
          .refine((v) => (v > 1e12 ? v : v * 1000) <= MAX_TIME_MS, {
            message: 'must be a Unix time in seconds or milliseconds no later than 9999-12-31',
          }),
      ])
      .optional()
      .describe('When it happened: ISO 8601, or a Unix time in seconds (or milliseconds when > 1e12).'),
    author: z.string().max(512).optional(),
    channel: z.string().max(1024).optional().describe('Where it lives (channel, folder, repo): the container.'),
    thread_id: z.string().max(1024).optional(),
    file_references: z.array(z.string().max(4096)).max(1000).optional(),
    title: z.string().max(2000).optional(),
    url: z.string().max(4096).optional(),
    stream: z.string().min(1).max(64).optional().describe('@default messages'),
    tags: z.array(z.string().min(1).max(200)).max(200).optional(),
  })
  .catchall(z.unknown())
  .openapi('IngestMetadata');

export const IngestItemSchema = z
  .object({
    external_id: z.string().min(1).max(1024).describe('Stable id upstream; with the source it identifies the memory.'),
    content: z.string().max(5_000_000),
    content_type: z.enum(['text', 'markdown', 'html', 'code']).default('text').optional(),
    metadata: IngestMetadataSchema.optional(),
  })
  .strict()
  .openapi('IngestItem');

/** Largest checkpoint, as JSON text: a cursor is small (DESIGN §1); state belongs elsewhere. */
export const MAX_CHECKPOINT_BYTES = 64 * 1024;

/** Any JSON value up to {@link MAX_CHECKPOINT_BYTES}. */
const CheckpointSchema = z.unknown().superRefine((v, ctx) => {
  if (v === undefined) return;
  const size = Buffer.byteLength(JSON.stringify(v), 'utf8');
  if (size > MAX_CHECKPOINT_BYTES)
    ctx.addIssue({
      code: 'custom',
      message: `checkpoint is ${size} bytes as JSON; at most ${MAX_CHECKPOINT_BYTES} (keep the cursor small)`,
    });
});

/** `POST /sources/{id}/ingest`: the seed's IngestRequest plus `deleted`. */
export const IngestRequestSchema = z
  .object({
    items: z.array(IngestItemSchema).describe('At most the server limit per request (1000 by default).'),
    deleted: z.array(z.string().min(1).max(1024)).optional().describe('External ids gone upstream: tombstoned.'),
    checkpoint: CheckpointSchema.optional().describe(
      'The exporter\'s own cursor, any JSON value (the seed\'s is a string like "1714557600.000100"), committed ' +
        'with this batch and returned as given (last_sync_position, IngestResponse.checkpoint).',
    ),
  })
  .strict()
  .openapi('IngestRequest');

export const IngestResponseSchema = z
  .object({
    processed: z.number(),
    memories_created: z.number(),
    memories_updated: z.number(),
    memories_deleted: z.number(),
    duplicates_skipped: z.number(),
    checkpoint: z
      .unknown()
      .describe('The checkpoint now stored, of the type it was sent as (string, object …); null when none yet.'),
  })
  .openapi('IngestResponse');

export type IngestRequest = z.output<typeof IngestRequestSchema>;
