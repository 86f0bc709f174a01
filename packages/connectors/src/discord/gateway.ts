import type { REST } from '@discordjs/rest';
import { WebSocketManager, WebSocketShardEvents } from '@discordjs/ws';
import type { ConnectorContext } from '@tributary/sdk';
import { GatewayDispatchEvents, GatewayIntentBits, type GatewayDispatchPayload } from 'discord-api-types/v10';
import type { DiscordConfig } from './config.js';
import { messageId } from './map.js';

/** Guild messages and their content; no privileged member or presence intents. */
export const INTENTS = GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages | GatewayIntentBits.MessageContent;

/**
 * What a Gateway event asks of a sync: a new or edited message narrows it to its channel (`hints.channel`), a
 * deleted one (or several) carries the ids to tombstone (`hints.deletes`). Events of other guilds are ignored.
 */
export function hintsOf(event: GatewayDispatchPayload, guilds: string[]): Record<string, unknown> | undefined {
  const d = event.d as { guild_id?: string; channel_id?: string; id?: string; ids?: string[] };
  if (!d.guild_id || !guilds.includes(d.guild_id) || !d.channel_id) return undefined;
  switch (event.t) {
    case GatewayDispatchEvents.MessageCreate:
    case GatewayDispatchEvents.MessageUpdate:
      return { channel: d.channel_id };
    case GatewayDispatchEvents.MessageDelete:
      return d.id ? { channel: d.channel_id, deletes: [messageId(d.guild_id, d.channel_id, d.id)] } : undefined;
    case GatewayDispatchEvents.MessageDeleteBulk:
      return { channel: d.channel_id, deletes: (d.ids ?? []).map((id) => messageId(d.guild_id!, d.channel_id!, id)) };
    default:
      return undefined;
  }
}

/**
 * Listens to the Gateway through `@discordjs/ws` (one shard, JSON, no compression) until the signal aborts, and calls
 * `onChange` for message events of the configured guilds. Deletions arrive at once this way, beyond the REST
 * reconciliation window.
 */
export async function watchGateway(
  ctx: ConnectorContext<DiscordConfig>,
  rest: REST,
  token: string,
  onChange: (hints?: Record<string, unknown>) => void,
): Promise<void> {
  const manager = new WebSocketManager({ token, intents: INTENTS, rest });
  manager.on(WebSocketShardEvents.Dispatch, (event) => {
    const hints = hintsOf(event, ctx.config.guilds);
    if (hints) onChange(hints);
  });
  manager.on(WebSocketShardEvents.Error, (err) => ctx.logger.warn('discord gateway error', { error: String(err) }));
  if (ctx.signal.aborted) return;
  await manager.connect();
  ctx.logger.info('listening to the Discord gateway', { guilds: ctx.config.guilds.length });
  await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
  await manager.destroy();
}
