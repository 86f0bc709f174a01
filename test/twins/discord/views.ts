import { DiscordState, type DcChannel, type DcGuild, type DcMessage, type DcUser } from './state.js';

/** The JSON Discord's API v10 answers (fields as the OpenAPI description requires them). */
export function userView(u: DcUser): Record<string, unknown> {
  return {
    id: u.id,
    username: u.username,
    avatar: null,
    discriminator: '0',
    public_flags: 0,
    flags: 0,
    ...(u.bot ? { bot: true } : {}),
    global_name: u.global_name,
    primary_guild: null,
  };
}

export function meView(u: DcUser): Record<string, unknown> {
  return { ...userView(u), mfa_enabled: false, locale: 'en-US', verified: true };
}

export function guildView(g: DcGuild): Record<string, unknown> {
  return { id: g.id, name: g.name, icon: null, banner: null, owner: false, permissions: '66560', features: [] };
}

export function roleView(r: { id: string; name: string }, i: number): Record<string, unknown> {
  return {
    id: r.id,
    name: r.name,
    permissions: '66560',
    position: i,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    managed: false,
    mentionable: true,
    icon: null,
    unicode_emoji: null,
    flags: 0,
  };
}

export function channelView(c: DcChannel): Record<string, unknown> {
  const base = {
    id: c.id,
    type: c.type,
    last_message_id: c.messages.at(-1)?.id ?? null,
    flags: 0,
    guild_id: c.guild_id,
    name: c.name,
    parent_id: c.parent_id,
    rate_limit_per_user: 0,
  };
  if (c.owner_id === undefined)
    return { ...base, topic: c.topic, position: c.position, permission_overwrites: [], nsfw: false };
  return {
    ...base,
    owner_id: c.owner_id,
    thread_metadata: {
      archived: c.archived === true,
      archive_timestamp: c.archive_timestamp ?? new Date(DiscordState.timeOf(c.id)).toISOString(),
      auto_archive_duration: 1440,
      locked: false,
      create_timestamp: new Date(DiscordState.timeOf(c.id)).toISOString(),
    },
    message_count: c.messages.length,
    member_count: 2,
    total_message_sent: c.total_message_sent ?? c.messages.length,
  };
}

export function messageView(m: DcMessage, guildId: string): Record<string, unknown> {
  return {
    type: m.reference ? 19 : 0,
    content: m.content,
    mentions: m.mentions.map(userView),
    mention_roles: m.mention_roles,
    attachments: m.attachments,
    embeds: m.embeds,
    timestamp: m.timestamp,
    edited_timestamp: m.edited_timestamp,
    flags: 0,
    components: [],
    id: m.id,
    channel_id: m.channel_id,
    author: userView(m.author),
    pinned: false,
    mention_everyone: false,
    tts: false,
    ...(m.reference
      ? { message_reference: { type: 0, channel_id: m.channel_id, message_id: m.reference, guild_id: guildId } }
      : {}),
  };
}
