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

/**
 * What was yielded from each day file: `<conversationId>/<day>` → the concatenated 8-hex digests of its items.
 * Exports are snapshots; reading a later export of the same workspace yields only new or changed messages.
 */
export const SlackExportCheckpointSchema = z.object({
  files: z.record(z.string(), z.string()),
});

export type SlackExportCheckpoint = z.output<typeof SlackExportCheckpointSchema>;
