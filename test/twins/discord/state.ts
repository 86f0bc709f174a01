import { createLogicalClock, type LogicalClock } from '../kit/index.js';

/** Discord's epoch (2015-01-01): snowflakes count milliseconds from it in their top 42 bits. */
export const DISCORD_EPOCH = 1_420_070_400_000n;

export interface DcUser {
  id: string;
  username: string;
  global_name: string | null;
  bot?: boolean;
}

export interface DcAttachment {
  id: string;
  filename: string;
  size: number;
  url: string;
  proxy_url: string;
  content_type?: string;
}

export interface DcEmbed {
  type: 'rich' | 'link';
  title?: string;
  description?: string;
  url?: string;
  fields?: Array<{ name: string; value: string; inline: boolean }>;
}

export interface DcMessage {
  id: string;
  channel_id: string;
  author: DcUser;
  content: string;
  timestamp: string;
  edited_timestamp: string | null;
  mentions: DcUser[];
  mention_roles: string[];
  attachments: DcAttachment[];
  embeds: DcEmbed[];
  /** A reply: the message it answers. */
  reference?: string;
}

/** Channel types used here (https://discord.com/developers/docs/resources/channel#channel-object-channel-types). */
export const ChannelType = { text: 0, category: 4, announcement: 5, publicThread: 11, forum: 15 } as const;

export interface DcChannel {
  id: string;
  guild_id: string;
  type: number;
  name: string;
  position: number;
  parent_id: string | null;
  topic: string | null;
  /** Oldest first. */
  messages: DcMessage[];
  /** The bot lacks View Channel / Read Message History: 403 Missing Access (50001). */
  hidden?: boolean;
  /** Threads only. */
  owner_id?: string;
  archived?: boolean;
  archive_timestamp?: string;
  total_message_sent?: number;
}

export interface DcGuild {
  id: string;
  name: string;
  roles: Array<{ id: string; name: string }>;
  channels: DcChannel[];
}

/**
 * The Discord twin's world: guilds with roles, text/announcement/forum channels, threads (active and archived) and
 * messages with mentions, attachments and embeds. Snowflakes come from a logical clock, so ids and timestamps
 * increase with every change and reads are deterministic.
 */
export class DiscordState {
  readonly clock: LogicalClock;
  readonly guilds: DcGuild[] = [];
  readonly bot: DcUser = { id: '900000000000000001', username: 'tributary-bot', global_name: null, bot: true };
  readonly users: DcUser[] = [
    { id: '900000000000000011', username: 'ada', global_name: 'Ada Lovelace' },
    { id: '900000000000000012', username: 'grace', global_name: 'Grace Hopper' },
    { id: '900000000000000013', username: 'linus', global_name: null },
  ];
  readonly tokens = new Set<string>(['discord-bot-twin']);
  private seq = 0n;

  constructor(clock = createLogicalClock()) {
    this.clock = clock;
  }

  /** A new snowflake at the clock's next instant. */
  snowflake(): string {
    const ms = BigInt(this.clock.tick(1000));
    this.seq = (this.seq + 1n) & 0xfffn;
    return (((ms - DISCORD_EPOCH) << 22n) | this.seq).toString();
  }

  static timeOf(snowflake: string): number {
    return Number((BigInt(snowflake) >> 22n) + DISCORD_EPOCH);
  }

  addGuild(name: string): DcGuild {
    const g: DcGuild = { id: this.snowflake(), name, roles: [], channels: [] };
    g.roles.push({ id: g.id, name: '@everyone' }, { id: this.snowflake(), name: 'maintainers' });
    this.guilds.push(g);
    return g;
  }

  addChannel(g: DcGuild, name: string, type: number = ChannelType.text, parent?: DcChannel): DcChannel {
    const c: DcChannel = {
      id: this.snowflake(),
      guild_id: g.id,
      type,
      name,
      position: g.channels.length,
      parent_id: parent?.id ?? null,
      topic: type === ChannelType.publicThread ? null : `About ${name}`,
      messages: [],
    };
    g.channels.push(c);
    return c;
  }

  /** A public thread under a text or forum channel (a forum post is a thread whose first message is the post). */
  addThread(parent: DcChannel, name: string): DcChannel {
    const g = this.guild(parent.guild_id);
    const t = this.addChannel(g, name, ChannelType.publicThread, parent);
    t.owner_id = this.users[0]!.id;
    t.archived = false;
    t.total_message_sent = 0;
    return t;
  }

  archive(t: DcChannel): void {
    t.archived = true;
    t.archive_timestamp = new Date(this.clock.tick(1000)).toISOString();
  }

  guild(id: string): DcGuild {
    const g = this.guilds.find((x) => x.id === id);
    if (!g) throw new Error(`no guild ${id}`);
    return g;
  }

  channel(id: string): DcChannel | undefined {
    for (const g of this.guilds) {
      const c = g.channels.find((x) => x.id === id);
      if (c) return c;
    }
    return undefined;
  }

  post(
    c: DcChannel,
    content: string,
    extra: Partial<Pick<DcMessage, 'mentions' | 'mention_roles' | 'attachments' | 'embeds' | 'reference'>> & {
      author?: DcUser;
    } = {},
  ): DcMessage {
    const id = this.snowflake();
    const m: DcMessage = {
      id,
      channel_id: c.id,
      author: extra.author ?? this.users[c.messages.length % this.users.length]!,
      content,
      timestamp: new Date(DiscordState.timeOf(id)).toISOString(),
      edited_timestamp: null,
      mentions: extra.mentions ?? [],
      mention_roles: extra.mention_roles ?? [],
      attachments: extra.attachments ?? [],
      embeds: extra.embeds ?? [],
      ...(extra.reference ? { reference: extra.reference } : {}),
    };
    c.messages.push(m);
    if (c.total_message_sent !== undefined) c.total_message_sent++;
    return m;
  }

  attachment(name: string, size = 2048): DcAttachment {
    const id = this.snowflake();
    return {
      id,
      filename: name,
      size,
      url: `https://cdn.discordapp.com/attachments/1/${id}/${name}`,
      proxy_url: `https://media.discordapp.net/attachments/1/${id}/${name}`,
      content_type: name.endsWith('.png') ? 'image/png' : 'application/pdf',
    };
  }

  edit(c: DcChannel, id: string, content: string): DcMessage {
    const m = c.messages.find((x) => x.id === id);
    if (!m) throw new Error(`no message ${id}`);
    m.content = content;
    m.edited_timestamp = new Date(this.clock.tick(1000)).toISOString();
    return m;
  }

  remove(c: DcChannel, id: string): void {
    c.messages = c.messages.filter((x) => x.id !== id);
  }
}
