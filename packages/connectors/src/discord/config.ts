import { z } from 'zod';

const Snowflake = z.string().regex(/^\d{15,21}$/, 'a Discord id (enable Developer Mode, then Copy ID)');
/** A channel by id, or by name (`general` or `#general`). */
const ChannelRef = z.string().min(1).max(100);

/** Config of a Discord source (a bot in one or more guilds). */
export const DiscordConfigSchema = z
  .object({
    guilds: z.array(Snowflake).min(1).describe('Guild (server) ids the bot is in and should read.'),
    channels: z
      .array(ChannelRef)
      .default([])
      .describe(
        'Channels to read, by id or name (empty: every text, announcement and forum channel the bot can read).',
      ),
    excludeChannels: z.array(ChannelRef).default([]).describe('Channels never read, by id or name.'),
    threads: z.boolean().default(true).describe('Read threads (and forum posts) of the chosen channels.'),
    archivedThreads: z.boolean().default(true).describe('Read archived public threads too (not only active ones).'),
    reconcileMessages: z
      .number()
      .int()
      .min(0)
      .max(1000)
      .default(100)
      .describe(
        'Newest messages per channel read again at each sync to catch edits and deletions (the REST API has no deletion feed); 0 = none.',
      ),
    maxAgeDays: z.number().int().positive().optional().describe('On the first sync, skip messages older than this.'),
    apiBaseUrl: z
      .url({ protocol: /^https?$/ })
      .default('https://discord.com/api')
      .describe('REST API base (without /v10).'),
  })
  .strict();

export type DiscordConfig = z.output<typeof DiscordConfigSchema>;
