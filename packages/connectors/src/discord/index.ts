import { defineConnector, isTributaryError } from '@tributary/sdk';
import { Routes } from 'discord-api-types/v10';
import { planGuild } from './channels.js';
import { botToken, createRest, toDiscordError } from './client.js';
import { watchGateway } from './gateway.js';
import { discordManifest } from './manifest.js';
import { guildNames, readDiscord } from './read.js';

/**
 * Discord through a bot and `@discordjs/rest` (API v10): messages of chosen text, announcement and forum channels
 * and their threads, by snowflake `after` cursors; edits and deletions by a bounded reconciliation of the newest
 * messages; mentions resolved to names, attachments as links, embeds as text; rate-limit buckets respected.
 */
export const discordConnector = defineConnector({
  manifest: discordManifest,

  async check(ctx) {
    try {
      const rest = createRest(ctx, botToken(await ctx.credentials.get()));
      const me = (await rest.get(Routes.user()).catch((err: unknown) => {
        throw toDiscordError(err, 'Checking the bot token');
      })) as { username: string };
      const names = await guildNames(rest, ctx.config.guilds);
      return {
        ok: true,
        message: `Signed in as ${me.username}; in ${[...names.keys()].filter((g) => ctx.config.guilds.includes(g)).length} of the configured guilds`,
      };
    } catch (err) {
      const e = isTributaryError(err) ? err : toDiscordError(err, 'Checking');
      return { ok: false, message: `${e.code}: ${e.message}` };
    }
  },

  async discover(ctx) {
    const rest = createRest(ctx, botToken(await ctx.credentials.get()));
    const names = await guildNames(rest, ctx.config.guilds).catch((err: unknown) => {
      throw toDiscordError(err, 'Listing guilds');
    });
    const out = [];
    for (const guildId of ctx.config.guilds) {
      const plan = await planGuild(rest, { ...ctx.config, threads: false }, guildId, names.get(guildId)!);
      for (const { channel } of plan.places)
        out.push({
          id: channel.id,
          name: `${names.get(guildId)} / #${channel.name ?? channel.id}`,
          kind: 'channel',
          metadata: { guildId },
        });
    }
    return out;
  },

  read: readDiscord,

  /** Under `up` with the `realtime` feature: Gateway message events trigger narrowed syncs (see gateway.ts). */
  async watch(ctx, onChange) {
    const token = botToken(await ctx.credentials.get());
    await watchGateway(ctx, createRest(ctx, token), token, onChange);
  },
});

export default discordConnector;
