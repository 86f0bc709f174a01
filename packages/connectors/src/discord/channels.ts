import type { REST } from '@discordjs/rest';
import { Routes } from 'discord-api-types/v10';
import type { DiscordConfig } from './config.js';
import { CHANNEL_TYPES, type ApiChannel, type Names, type Place } from './map.js';

interface ThreadsPage {
  threads: ApiChannel[];
  has_more?: boolean;
}

/** The channels of a guild to read, the threads under them, and the names to resolve mentions with. */
export interface GuildPlan {
  names: Names;
  /** Text and announcement channels, then threads (active and archived), each once, ordered by id. */
  places: Place[];
}

const wanted = (c: ApiChannel, refs: string[]): boolean =>
  refs.some((r) => r === c.id || r.replace(/^#/, '').toLowerCase() === (c.name ?? '').toLowerCase());

/**
 * Lists a guild's channels (one call), roles (one call), active threads (one call for the guild) and archived
 * public threads (one call per 100, per chosen text, announcement or forum channel). Forum channels hold no
 * messages of their own: their posts are threads.
 */
export async function planGuild(
  rest: REST,
  config: DiscordConfig,
  guildId: string,
  guildName: string,
): Promise<GuildPlan> {
  const channels = (await rest.get(Routes.guildChannels(guildId))) as ApiChannel[];
  const roles = (await rest.get(Routes.guildRoles(guildId))) as Array<{ id: string; name: string }>;
  const readable = new Set([CHANNEL_TYPES.text, CHANNEL_TYPES.announcement, CHANNEL_TYPES.forum, CHANNEL_TYPES.media]);
  const chosen = channels
    .filter((c) => readable.has(c.type))
    .filter((c) => !config.channels.length || wanted(c, config.channels))
    .filter((c) => !wanted(c, config.excludeChannels))
    .sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
  const byId = new Map(chosen.map((c) => [c.id, c]));
  const names: Names = {
    guildId,
    guildName,
    roles: new Map(roles.map((r) => [r.id, r.name])),
    channels: new Map(channels.map((c) => [c.id, c.name ?? c.id])),
  };
  const places: Place[] = chosen
    .filter((c) => c.type === CHANNEL_TYPES.text || c.type === CHANNEL_TYPES.announcement)
    .map((channel) => ({ channel }));
  if (!config.threads) return { names, places };
  const threads = new Map<string, ApiChannel>();
  const active = (await rest.get(Routes.guildActiveThreads(guildId))) as ThreadsPage;
  for (const t of active.threads) threads.set(t.id, t);
  if (config.archivedThreads)
    for (const parent of chosen) {
      let before: string | undefined;
      for (;;) {
        const query = new URLSearchParams({ limit: '100', ...(before ? { before } : {}) });
        const page = (await rest.get(Routes.channelThreads(parent.id, 'public'), { query }).catch((err: unknown) => {
          // A channel whose archived threads the bot may not list: its active threads are still read.
          if ((err as { status?: number }).status === 403) return { threads: [], has_more: false };
          throw err;
        })) as ThreadsPage;
        for (const t of page.threads) threads.set(t.id, t);
        const last = page.threads.at(-1)?.thread_metadata?.archive_timestamp;
        if (!page.has_more || !last) break;
        before = last;
      }
    }
  for (const t of [...threads.values()].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1))) {
    const parent = t.parent_id ? byId.get(t.parent_id) : undefined;
    if (!parent) continue; // a thread of a channel not chosen
    names.channels.set(t.id, t.name ?? t.id);
    places.push({ channel: t, parent });
  }
  return { names, places };
}
