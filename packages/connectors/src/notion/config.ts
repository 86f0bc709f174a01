import { z } from 'zod';

/** Config of a Notion source. Which pages it reads is decided in Notion: the pages shared with the integration. */
export const NotionConfigSchema = z.object({
  baseUrl: z
    .url({ protocol: /^https?$/ })
    .default('https://api.notion.com')
    .describe('Notion API base URL (the test twin, or a proxy).'),
  overlapMinutes: z
    .number()
    .int()
    .min(0)
    .max(1440)
    .default(10)
    .describe(
      'An incremental sync re-lists pages edited this long before the newest one read (Notion rounds edit times to the minute); unchanged ones are skipped.',
    ),
  reconcileHours: z
    .number()
    .min(0)
    .max(24 * 30)
    .default(6)
    .describe(
      'How often a sync lists every shared page to find pages moved to the trash or no longer shared (0: every sync). Costs one call per 100 pages.',
    ),
  maxDepth: z
    .number()
    .int()
    .min(1)
    .max(30)
    .default(12)
    .describe('Deepest level of nested blocks read (toggles in lists in callouts …).'),
  pageSize: z
    .number()
    .int()
    .min(1)
    .max(100)
    .default(100)
    .describe('Results per search request (100 is the most Notion allows).'),
  requestTimeoutMs: z.number().int().positive().default(60_000).describe('Timeout of one API request.'),
});

export type NotionConfig = z.output<typeof NotionConfigSchema>;
