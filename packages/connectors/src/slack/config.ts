import { z } from 'zod';

const SelectionMode = z.enum(['all', 'include', 'exclude']);

/** Config of a Slack workspace source (Web API). */
export const SlackConfigSchema = z.object({
  channels: z
    .object({
      mode: SelectionMode.default('all').describe(
        'all: every channel the token can read; include: only `list`; exclude: all but `list`.',
      ),
      list: z.array(z.string().min(1)).default([]).describe('Channel ids (C0123) or names (general, #general).'),
      includePrivate: z
        .boolean()
        .default(true)
        .describe('Also read private channels the token is a member of (groups:history).'),
    })
    .default({ mode: 'all', list: [], includePrivate: true })
    .describe('Which channels to read.'),
  dms: z
    .object({
      enabled: z
        .boolean()
        .default(false)
        .describe('Read direct messages (needs a user token with im:history for your own DMs).'),
      mode: SelectionMode.default('all').describe('all, include or exclude the DMs in `list`.'),
      list: z
        .array(z.string().min(1))
        .default([])
        .describe("DM conversation ids (D0123) or the other member's user id (U0123)."),
    })
    .default({ enabled: false, mode: 'all', list: [] })
    .describe('Direct messages.'),
  sync: z
    .object({
      batchSize: z
        .number()
        .int()
        .min(1)
        .max(999)
        .default(200)
        .describe('Messages per conversations.history call (Slack allows up to 999; 200 is recommended).'),
      backfillDays: z
        .number()
        .int()
        .positive()
        .optional()
        .describe('On the first sync, read only this many days back.'),
      recheckHours: z
        .number()
        .min(0)
        .default(72)
        .describe(
          'On incremental syncs, re-read this many hours of history before the newest message to find edits and new thread replies.',
        ),
    })
    .default({ batchSize: 200, recheckHours: 72 })
    .describe('Paging and windows.'),
  filters: z
    .object({
      minMessageLength: z
        .number()
        .int()
        .min(0)
        .default(0)
        .describe('Skip messages whose cleaned text is shorter than this.'),
      excludeBotMessages: z.boolean().default(false).describe('Skip messages posted by bots and integrations.'),
      excludeSystemMessages: z
        .boolean()
        .default(true)
        .describe('Skip joins, leaves, topic changes, pins and similar notices.'),
      includeThreads: z
        .boolean()
        .default(true)
        .describe('Read thread replies (conversations.replies), grouped under their parent.'),
      includeReactions: z.boolean().default(true).describe('Keep reactions (name and count) in item metadata.'),
      includeAttachments: z.boolean().default(true).describe('Keep attachment text and file metadata.'),
    })
    .default({
      minMessageLength: 0,
      excludeBotMessages: false,
      excludeSystemMessages: true,
      includeThreads: true,
      includeReactions: true,
      includeAttachments: true,
    })
    .describe('What to keep.'),
  baseUrl: z
    .url({ protocol: /^https?$/ })
    .default('https://slack.com/api/')
    .describe('The Web API base URL (change it only for a proxy or a test twin).'),
  signingSecret: z
    .string()
    .min(1)
    .optional()
    .meta({ secret: true })
    .describe(
      "The app's signing secret, to verify Events API deliveries (or store it as the credential extra `signingSecret`).",
    ),
  requestTimeoutMs: z.number().int().positive().default(30_000).describe('Timeout of one Web API request.'),
});

export type SlackConfig = z.output<typeof SlackConfigSchema>;

/**
 * The `threads`, `reactions` and `attachments` features (connector-wide or per source, docs/features.md) over the
 * source's `filters`: whichever says off wins, so a connector-wide "no threads" holds for every source while the
 * older per-source filter keys keep working.
 */
export function withSlackFeatures(config: SlackConfig, features: Record<string, boolean>): SlackConfig {
  const f = config.filters;
  return {
    ...config,
    filters: {
      ...f,
      includeThreads: f.includeThreads && features.threads !== false,
      includeReactions: f.includeReactions && features.reactions !== false,
      includeAttachments: f.includeAttachments && features.attachments !== false,
    },
  };
}
