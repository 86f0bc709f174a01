import { abortError, isTributaryError, TributaryError, type Page } from '@tributary/sdk';
import { Routes } from 'discord-api-types/v10';
import { DISCORD_CHECKPOINT, type DiscordCheckpoint } from './checkpoint.js';
import { botToken, createRest, isMissingAccess, toDiscordError } from './client.js';
import { planGuild } from './channels.js';
import { readChannel, type DiscordReadContext } from './messages.js';

/** Discord's epoch (2015-01-01T00:00:00Z): snowflakes count milliseconds from it in their top 42 bits. */
const DISCORD_EPOCH_MS = 1_420_070_400_000;

/** The snowflake of an instant: ids after it are messages newer than it. */
export const snowflakeAt = (ms: number): string =>
  ms <= DISCORD_EPOCH_MS ? '0' : ((BigInt(Math.floor(ms)) - BigInt(DISCORD_EPOCH_MS)) << 22n).toString();

/** The earliest message a first read of a channel asks for: the backfill window or maxAgeDays, whichever is shorter. */
function floorOf(ctx: DiscordReadContext): string {
  const bounds = [
    ctx.since?.getTime(),
    ctx.config.maxAgeDays ? ctx.clock.now() - ctx.config.maxAgeDays * 86_400_000 : undefined,
  ].filter((x): x is number => x !== undefined);
  return bounds.length ? snowflakeAt(Math.max(...bounds)) : '0';
}

/** The guilds the bot is in, by id → name; a configured guild it is not in fails with `not_found`. */
export async function guildNames(rest: ReturnType<typeof createRest>, ids: string[]): Promise<Map<string, string>> {
  const mine = (await rest.get(Routes.userGuilds())) as Array<{ id: string; name: string }>;
  const byId = new Map(mine.map((g) => [g.id, g.name]));
  const missing = ids.filter((id) => !byId.has(id));
  if (missing.length)
    throw new TributaryError(
      'not_found',
      `The bot is not in guild ${missing.join(', ')}: invite it there (with View Channels and Read Message History)`,
    );
  return byId;
}

/**
 * Reads every chosen channel and thread of each guild from its cursor (connector state `c:<channel id>`): new
 * messages by snowflake `after`, then the reconciliation window for edits and deletions. A channel the bot cannot
 * read (Missing Access) is skipped with a warning.
 */
export async function* readDiscord(ctx: DiscordReadContext): AsyncGenerator<Page<DiscordCheckpoint>> {
  if (ctx.signal.aborted) return;
  const rest = createRest(ctx, botToken(await ctx.credentials.get()));
  let stateReady = ctx.checkpoint !== undefined;
  const floor = floorOf(ctx);
  // Gateway hints: ids to tombstone (MESSAGE_DELETE), and the channel to read (the rest is left for the schedule).
  const deletes = Array.isArray(ctx.hints.deletes)
    ? ctx.hints.deletes.filter((d): d is string => typeof d === 'string' && d.length > 0)
    : [];
  const hinted = typeof ctx.hints.channel === 'string' ? ctx.hints.channel : undefined;
  if (deletes.length) {
    yield { items: [], deletes, checkpoint: { ...DISCORD_CHECKPOINT } };
    stateReady = true;
  }
  try {
    const names = await guildNames(rest, ctx.config.guilds);
    for (const guildId of ctx.config.guilds) {
      const plan = await planGuild(rest, ctx.config, guildId, names.get(guildId)!);
      for (const place of plan.places) {
        if (ctx.signal.aborted) return;
        if (hinted && place.channel.id !== hinted) continue;
        try {
          for await (const p of readChannel({ ctx, rest, place, names: plan.names, floor, stateReady })) {
            yield p;
            stateReady = true;
          }
        } catch (err) {
          if (!isMissingAccess(err)) throw err;
          ctx.logger.warn('skipping a channel the bot cannot read (needs View Channel and Read Message History)', {
            channel: place.channel.name ?? place.channel.id,
          });
        }
      }
    }
    if (!stateReady) yield { items: [], checkpoint: { ...DISCORD_CHECKPOINT } };
  } catch (err) {
    if (ctx.signal.aborted) throw abortError(ctx.signal);
    throw isTributaryError(err) ? err : toDiscordError(err, 'Reading Discord');
  }
}
