import { z } from 'zod';

/** Config of a Slack workspace export source. */
export const SlackExportConfigSchema = z.object({
  path: z
    .string()
    .min(1)
    .describe('The export: the .zip Slack produced (Settings → Import/Export) or the folder it unzips to.')
    .meta({ path: true }),
  channels: z
    .array(z.string().min(1))
    .optional()
    .describe('Only these conversations (names like "general" or ids like "C0123"); all when omitted.'),
  excludeBotMessages: z.boolean().default(false).describe('Skip messages posted by bots and integrations.'),
  excludeSystemMessages: z
    .boolean()
    .default(true)
    .describe('Skip notices such as joins, leaves, topic changes, pins and integration additions.'),
  workspaceUrl: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe('The workspace address (https://acme.slack.com), used to build message permalinks.'),
});

export type SlackExportConfig = z.output<typeof SlackExportConfigSchema>;

/** Connector-state key of a day file: its record is the concatenated 8-hex digests of the items yielded from it. */
export const DAY_PREFIX = 'd:';
export const dayKey = (conversationId: string, day: string): string => `${DAY_PREFIX}${conversationId}/${day}`;

/**
 * Cursor of `slack-export`: only a version. What was yielded from each day file is connector state
 * (`d:<conversationId>/<day>` → digests), so reading a later export of the same workspace yields only new or
 * changed messages while each page writes only its own day files. (A v1 checkpoint with the per-file map does not
 * parse: the engine runs a clean re-sync, which finds every message unchanged.)
 */
export const SlackExportCheckpointSchema = z.object({ v: z.literal(2) }).strict();

export type SlackExportCheckpoint = z.output<typeof SlackExportCheckpointSchema>;
