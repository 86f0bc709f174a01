import { z } from 'zod';

export const syntheticConfig = z
  .object({
    count: z.number().int().min(0).max(100_000_000).default(1000).describe('How many items the source holds.'),
    pageSize: z.number().int().min(1).max(100_000).default(1000).describe('Items per page.'),
    kind: z
      .enum(['chat', 'documents'])
      .default('chat')
      .describe('Chat-sized messages or multi-section markdown documents.'),
    text: z
      .enum(['uniform', 'zipf'])
      .default('uniform')
      .describe(
        'Word distribution: `uniform` (~80 words, every word in ~20% of items: the worst case for search) or `zipf` (20,000 words, Zipf s≈1 like real text).',
      ),
    seed: z.number().int().default(1).describe('Changes every generated text.'),
    revision: z
      .record(z.string().regex(/^\d+$/), z.number().int().min(1))
      .default({})
      .describe('Item index → revision: an item with a higher revision has edited content.'),
    deleted: z.array(z.number().int().min(0)).default([]).describe('Item indexes deleted upstream.'),
    latencyMs: z.number().int().min(0).max(60_000).default(0).describe('Simulated upstream latency per page.'),
    backfillDays: z.number().int().min(1).optional().describe('Only items newer than this many days on a first sync.'),
  })
  .strict();

export type SyntheticConfig = z.output<typeof syntheticConfig>;

export const syntheticCheckpoint = z
  .object({
    /** Items [0, position) have been read. */
    position: z.number().int().min(0),
    /** Signature of the edit/delete lists already reported. */
    changes: z.string().default(''),
  })
  .strict();
