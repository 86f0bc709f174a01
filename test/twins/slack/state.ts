import { createLogicalClock, type LogicalClock } from '../kit/index.js';

/** A message as the twin stores it: Slack's message object (replies included), plus the seed's label. */
export interface TwinMessage {
  type: 'message';
  ts: string;
  text: string;
  user?: string;
  subtype?: string;
  bot_id?: string;
  username?: string;
  thread_ts?: string;
  parent_user_id?: string;
  edited?: { user: string; ts: string };
  attachments?: Array<Record<string, unknown>>;
  files?: Array<Record<string, unknown>>;
  reactions?: Array<{ name: string; users: string[]; count: number }>;
  [key: string]: unknown;
}

export interface TwinChannel {
  id: string;
  name?: string;
  kind: 'channel' | 'group' | 'im' | 'mpim';
  /** For DMs: the other member. */
  user?: string;
  created: number;
  is_member: boolean;
  is_archived: boolean;
  /** Only user tokens (xoxp-) see it: a person's DM with someone else, which a bot token cannot read. */
  userOnly?: boolean;
  /** All messages, replies included, ascending by ts. */
  messages: TwinMessage[];
}

export interface TwinUser {
  id: string;
  team_id: string;
  name: string;
  real_name: string;
  deleted: boolean;
  is_bot: boolean;
  profile: { display_name: string; real_name: string; [key: string]: unknown };
  [key: string]: unknown;
}

export interface TwinToken {
  kind: 'bot' | 'user';
  scopes: string[];
  state: 'valid' | 'revoked' | 'expired';
}

/** Every scope the connector asks for (least privilege). */
export const SLACK_READ_SCOPES = [
  'channels:history',
  'channels:read',
  'groups:history',
  'groups:read',
  'im:history',
  'im:read',
  'users:read',
];

/** `<seconds>.<microseconds>` from milliseconds, the shape of every Slack `ts`. */
export function msToTs(ms: number): string {
  return `${Math.floor(ms / 1000)}.${String((ms % 1000) * 1000).padStart(6, '0')}`;
}

const tsKey = (ts: string): number => Number(ts);

/**
 * A Slack workspace held in memory: users, conversations, messages and tokens. Tests change it between syncs
 * (post, edit, delete, reply) and the twin's routes serve it as the Web API would.
 */
export class SlackState {
  team = { id: 'T0TWIN', name: 'Twin Workspace', domain: 'twin', url: 'https://twin.slack.com/' };
  users = new Map<string, TwinUser>();
  channels: TwinChannel[] = [];
  tokens = new Map<string, TwinToken>();
  /** Bot user the bot token belongs to. */
  botUserId = 'UBOT';
  readonly clock: LogicalClock;

  constructor(clock: LogicalClock = createLogicalClock()) {
    this.clock = clock;
    this.tokens.set('xoxb-twin-bot', { kind: 'bot', scopes: [...SLACK_READ_SCOPES], state: 'valid' });
    this.tokens.set('xoxp-twin-user', { kind: 'user', scopes: [...SLACK_READ_SCOPES], state: 'valid' });
  }

  addUser(id: string, name: string, realName: string, extra: Partial<TwinUser> = {}): TwinUser {
    const user: TwinUser = {
      id,
      team_id: this.team.id,
      name,
      real_name: realName,
      deleted: false,
      is_bot: false,
      profile: { display_name: name, real_name: realName },
      ...extra,
    };
    this.users.set(id, user);
    return user;
  }

  addChannel(
    channel: Omit<TwinChannel, 'messages' | 'created' | 'is_member' | 'is_archived'> & Partial<TwinChannel>,
  ): TwinChannel {
    const c: TwinChannel = {
      created: Math.floor(this.clock.now() / 1000),
      is_member: true,
      is_archived: false,
      messages: [],
      ...channel,
    };
    this.channels.push(c);
    return c;
  }

  channel(id: string): TwinChannel {
    const c = this.channels.find((x) => x.id === id || x.name === id);
    if (!c) throw new Error(`twin: no channel ${id}`);
    return c;
  }

  /** Inserts a message keeping ts order (seeding may post out of order). */
  insert(channelId: string, message: TwinMessage): TwinMessage {
    const list = this.channel(channelId).messages;
    let i = list.length;
    while (i > 0 && tsKey(list[i - 1]!.ts) > tsKey(message.ts)) i--;
    list.splice(i, 0, message);
    return message;
  }

  /** Posts a new message now (ts from the logical clock). */
  post(channelId: string, message: Omit<TwinMessage, 'ts' | 'type'>): TwinMessage {
    return this.insert(channelId, { type: 'message', ts: msToTs(this.clock.tick()), ...message } as TwinMessage);
  }

  /** Posts a reply to a thread parent now. */
  reply(channelId: string, parentTs: string, message: Omit<TwinMessage, 'ts' | 'type' | 'thread_ts'>): TwinMessage {
    const parent = this.find(channelId, parentTs);
    if (!parent) throw new Error(`twin: no parent ${channelId}:${parentTs}`);
    parent.thread_ts = parent.ts;
    return this.post(channelId, {
      ...message,
      thread_ts: parent.ts,
      ...(parent.user ? { parent_user_id: parent.user } : {}),
    });
  }

  find(channelId: string, ts: string): TwinMessage | undefined {
    return this.channel(channelId).messages.find((m) => m.ts === ts);
  }

  /** Edits a message's text now: Slack keeps the ts and adds `edited`. */
  edit(channelId: string, ts: string, text: string): TwinMessage {
    const m = this.find(channelId, ts);
    if (!m) throw new Error(`twin: no message ${channelId}:${ts}`);
    m.text = text;
    m.edited = { user: m.user ?? this.botUserId, ts: msToTs(this.clock.tick()) };
    return m;
  }

  /** Deletes a message (and, like Slack, leaves the thread's other replies in place). */
  remove(channelId: string, ts: string): TwinMessage {
    const list = this.channel(channelId).messages;
    const i = list.findIndex((m) => m.ts === ts);
    if (i < 0) throw new Error(`twin: no message ${channelId}:${ts}`);
    this.clock.tick();
    return list.splice(i, 1)[0]!;
  }

  /** Replies of a thread, ascending. */
  replies(channel: TwinChannel, parentTs: string): TwinMessage[] {
    return channel.messages.filter((m) => m.thread_ts === parentTs && m.ts !== parentTs);
  }

  /** Total messages across conversations (replies included). */
  messageCount(): number {
    return this.channels.reduce((n, c) => n + c.messages.length, 0);
  }
}
