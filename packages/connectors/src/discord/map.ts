import { createHash } from 'node:crypto';
import type { Item } from '@tributary/sdk';

/** Loose shapes of the API v10 objects we read (https://discord.com/developers/docs/resources/message). */
export interface ApiUser {
  id: string;
  username: string;
  global_name?: string | null;
}
export interface ApiChannel {
  id: string;
  type: number;
  name?: string | null;
  guild_id?: string;
  parent_id?: string | null;
  last_message_id?: string | null;
  thread_metadata?: { archived: boolean; archive_timestamp?: string | null };
}
export interface ApiMessage {
  id: string;
  channel_id: string;
  type: number;
  content: string;
  author: ApiUser;
  timestamp: string;
  edited_timestamp: string | null;
  mentions: ApiUser[];
  mention_roles: string[];
  attachments: Array<{ id: string; filename: string; url: string; size: number; content_type?: string }>;
  embeds: Array<{
    title?: string;
    description?: string;
    url?: string;
    fields?: Array<{ name: string; value: string }>;
    footer?: { text?: string };
  }>;
  message_reference?: { message_id?: string };
}

/** Names to resolve mentions with: roles of the guild, channels and threads by id. */
export interface Names {
  guildId: string;
  guildName: string;
  roles: Map<string, string>;
  channels: Map<string, string>;
}

/** Where a message lives: its channel, and the thread when it is in one. */
export interface Place {
  channel: ApiChannel;
  /** The parent text or forum channel of a thread. */
  parent?: ApiChannel;
}

export const CHANNEL_TYPES = {
  text: 0,
  category: 4,
  announcement: 5,
  announcementThread: 10,
  publicThread: 11,
  privateThread: 12,
  forum: 15,
  media: 16,
};

const displayName = (u: ApiUser): string => u.global_name || u.username;

/** Replaces `<@id>`, `<@!id>`, `<@&role>` and `<#channel>` with names (unknown ones stay as they are). */
export function resolveMentions(text: string, m: Pick<ApiMessage, 'mentions'>, names: Names): string {
  const users = new Map(m.mentions.map((u) => [u.id, displayName(u)]));
  return text
    .replace(/<@!?(\d+)>/g, (all, id: string) => (users.has(id) ? `@${users.get(id)}` : all))
    .replace(/<@&(\d+)>/g, (all, id: string) => (names.roles.has(id) ? `@${names.roles.get(id)}` : all))
    .replace(/<#(\d+)>/g, (all, id: string) => (names.channels.has(id) ? `#${names.channels.get(id)}` : all));
}

export const messageId = (guild: string, channel: string, id: string): string => `${guild}/${channel}/${id}`;

export const digest = (x: unknown): string => createHash('sha1').update(JSON.stringify(x)).digest('hex').slice(0, 16);

/**
 * A message as an item: text with mentions resolved to names, attachments as links, embeds as text. A message in a
 * thread has the thread as `thread` and the parent channel as `container`.
 */
export function toMessageItem(
  m: ApiMessage,
  place: Place,
  names: Names,
  features: { attachments: boolean; embeds: boolean },
): Item {
  const parts = [resolveMentions(m.content, m, names)];
  if (features.embeds)
    for (const e of m.embeds) {
      const lines = [
        e.title ? `**${e.title}**` : '',
        e.description ?? '',
        ...(e.fields ?? []).map((f) => `${f.name}: ${f.value}`),
        e.footer?.text ?? '',
        e.url && !e.title ? e.url : '',
      ].filter(Boolean);
      if (lines.length) parts.push(`> ${lines.join('\n> ')}`);
    }
  if (features.attachments && m.attachments.length)
    parts.push(`Attachments:\n${m.attachments.map((a) => `- [${a.filename}](${a.url})`).join('\n')}`);
  const inThread = place.parent !== undefined;
  const channelName = (inThread ? place.parent!.name : place.channel.name) ?? place.channel.id;
  return {
    externalId: messageId(names.guildId, place.channel.id, m.id),
    stream: 'messages',
    title: inThread ? `${place.channel.name ?? 'thread'} (#${channelName})` : `#${channelName}`,
    content: parts.filter(Boolean).join('\n\n'),
    contentType: 'markdown',
    url: `https://discord.com/channels/${names.guildId}/${place.channel.id}/${m.id}`,
    author: displayName(m.author),
    occurredAt: m.timestamp,
    container: `${names.guildName}/#${channelName}`,
    ...(inThread ? { thread: `${names.guildId}/${place.channel.id}` } : {}),
    metadata: {
      guildId: names.guildId,
      channelId: inThread ? place.parent!.id : place.channel.id,
      ...(inThread ? { threadId: place.channel.id } : {}),
      authorId: m.author.id,
      ...(m.edited_timestamp ? { editedAt: m.edited_timestamp } : {}),
      ...(m.message_reference?.message_id ? { replyTo: m.message_reference.message_id } : {}),
      ...(m.attachments.length ? { attachments: m.attachments.length } : {}),
    },
  };
}
