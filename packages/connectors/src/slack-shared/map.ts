import type { Item } from '@tributary/sdk';
import { cleanMrkdwn, type MrkdwnResolver } from './mrkdwn.js';
import type { SlackAttachment, SlackChannel, SlackFile, SlackMessage, SlackUser } from './types.js';

/**
 * Subtypes that record something happening to a conversation rather than something said in it. Shared by every
 * Slack connector so that the export and the API skip the same messages.
 */
export const SLACK_SYSTEM_SUBTYPES: ReadonlySet<string> = new Set([
  'channel_join',
  'channel_leave',
  'channel_topic',
  'channel_purpose',
  'channel_name',
  'channel_archive',
  'channel_unarchive',
  'channel_convert_to_private',
  'channel_convert_to_public',
  'group_join',
  'group_leave',
  'group_topic',
  'group_purpose',
  'group_name',
  'group_archive',
  'group_unarchive',
  'bot_add',
  'bot_remove',
  'bot_enable',
  'bot_disable',
  'pinned_item',
  'unpinned_item',
  'sh_room_created',
  'reminder_add',
  'tombstone',
  'ekm_access_denied',
  'joiner_notification',
  'slackbot_response',
]);

export interface SlackMapOptions {
  /** Drop messages posted by bots and integrations (`bot_message`, or a `bot_id` without a user). */
  excludeBotMessages: boolean;
  /** Drop membership, topic, pin and integration notices ({@link SLACK_SYSTEM_SUBTYPES}). */
  excludeSystemMessages: boolean;
  /** `https://<workspace>.slack.com`, for message permalinks; without it items carry no url. */
  workspaceUrl?: string;
  /** Conversation names by id, to resolve `<#C…>` tokens that carry no label. */
  channelsById?: ReadonlyMap<string, SlackChannel>;
  /** The item stream. @default 'messages' */
  stream?: string;
}

/** The name Slack shows for a user: display name, then real name, then handle. */
export function slackUserName(user: SlackUser | undefined): string | undefined {
  if (!user) return undefined;
  const name = user.profile?.display_name || user.profile?.real_name || user.real_name || user.name;
  return name || undefined;
}

/** How a message's author is shown: the member's real name (their full name reads best in search results). */
function authorOf(message: SlackMessage, usersById: ReadonlyMap<string, SlackUser>): string | undefined {
  const user = message.user ? usersById.get(message.user) : undefined;
  if (user) return user.profile?.real_name || user.real_name || slackUserName(user);
  return (
    message.user_profile?.real_name ||
    message.user_profile?.display_name ||
    message.username ||
    message.bot_profile?.name ||
    message.user ||
    message.bot_id
  );
}

/** Whether a bot or integration posted the message. */
export function isBotMessage(message: SlackMessage): boolean {
  return message.subtype === 'bot_message' || (message.bot_id !== undefined && message.user === undefined);
}

/** Whether the message is a system notice ({@link SLACK_SYSTEM_SUBTYPES}). */
export function isSystemMessage(message: SlackMessage): boolean {
  return message.subtype !== undefined && SLACK_SYSTEM_SUBTYPES.has(message.subtype);
}

/** `1452837352.000006` → ISO 8601 (milliseconds kept). */
export function slackTsToIso(ts: string): string {
  const seconds = Number(ts);
  if (!Number.isFinite(seconds)) throw new Error(`not a Slack timestamp: "${ts}"`);
  return new Date(Math.round(seconds * 1000)).toISOString();
}

function attachmentText(a: SlackAttachment, clean: (t: string) => string): string {
  const parts = [a.pretext, a.author_name, a.title && a.title_link ? `${a.title} (${a.title_link})` : a.title, a.text];
  for (const f of a.fields ?? []) parts.push([f.title, f.value].filter(Boolean).join(': '));
  const body = parts.filter((p): p is string => Boolean(p && p.trim())).map(clean);
  if (body.length === 0 && a.fallback) body.push(clean(a.fallback));
  return body.join('\n');
}

/** File metadata safe to store: never `url_private*`, whose query string can carry an access token. */
function fileMeta(f: SlackFile): Record<string, unknown> {
  const meta: Record<string, unknown> = {};
  for (const key of ['id', 'name', 'title', 'mimetype', 'filetype', 'size', 'mode'] as const) {
    if (f[key] !== undefined) meta[key] = f[key];
  }
  if (f.permalink) meta.permalink = f.permalink.split('?')[0];
  return meta;
}

function conversationLabel(channel: SlackChannel, usersById: ReadonlyMap<string, SlackUser>): string {
  if (channel.kind === 'im')
    return `@${slackUserName(channel.user ? usersById.get(channel.user) : undefined) ?? channel.name ?? channel.id}`;
  return `#${channel.name ?? channel.id}`;
}

/** `https://w.slack.com/archives/C1/p1452837352000006`, with `thread_ts` for replies (Slack's permalink format). */
export function slackPermalink(workspaceUrl: string, channelId: string, message: SlackMessage): string {
  const base = `${workspaceUrl.replace(/\/+$/, '')}/archives/${channelId}/p${message.ts.replace('.', '')}`;
  return message.thread_ts && message.thread_ts !== message.ts
    ? `${base}?thread_ts=${message.thread_ts}&cid=${channelId}`
    : base;
}

/**
 * Maps one Slack message to an item, or `undefined` when the options exclude it. Pure: the same message, channel
 * and users always give the same item, whether it came from an export or the Web API.
 * externalId = `<channelId>:<ts>`; thread = `<channelId>:<thread_ts>` for thread parents and replies.
 */
export function toSlackItem(
  message: SlackMessage,
  channel: SlackChannel,
  usersById: ReadonlyMap<string, SlackUser>,
  opts: SlackMapOptions,
): Item | undefined {
  if (opts.excludeBotMessages && isBotMessage(message)) return undefined;
  if (opts.excludeSystemMessages && isSystemMessage(message)) return undefined;
  const resolver: MrkdwnResolver = {
    user: (id) => slackUserName(usersById.get(id)),
    channel: (id) => opts.channelsById?.get(id)?.name,
  };
  const clean = (t: string): string => cleanMrkdwn(t, resolver);
  const files = [...(message.files ?? []), ...(message.file ? [message.file] : [])];
  const blocks = [
    message.text ? clean(message.text) : '',
    ...(message.attachments ?? []).map((a) => attachmentText(a, clean)),
  ];
  if (blocks.every((b) => !b.trim())) blocks.push(...files.map((f) => f.title ?? f.name ?? '').filter(Boolean));
  const content = blocks.filter((b) => b.trim()).join('\n\n');

  const metadata: Record<string, unknown> = { channelId: channel.id, ts: message.ts };
  if (channel.name) metadata.channelName = channel.name;
  if (channel.kind) metadata.channelKind = channel.kind;
  if (message.user) metadata.userId = message.user;
  if (message.subtype) metadata.subtype = message.subtype;
  if (message.bot_id) metadata.botId = message.bot_id;
  if (isBotMessage(message)) metadata.bot = true;
  if (message.thread_ts) metadata.threadTs = message.thread_ts;
  if (message.reply_count !== undefined) metadata.replyCount = message.reply_count;
  if (message.edited?.ts) metadata.editedTs = message.edited.ts;
  if (files.length) metadata.files = files.map(fileMeta);
  if (message.reactions?.length)
    metadata.reactions = message.reactions.map((r) => ({ name: r.name, count: r.count ?? r.users?.length ?? 1 }));

  const item: Item = {
    externalId: `${channel.id}:${message.ts}`,
    stream: opts.stream ?? 'messages',
    content,
    contentType: 'text',
    occurredAt: slackTsToIso(message.ts),
    container: conversationLabel(channel, usersById),
    metadata,
  };
  const author = authorOf(message, usersById);
  if (author) item.author = author;
  if (message.thread_ts) item.thread = `${channel.id}:${message.thread_ts}`;
  if (opts.workspaceUrl) item.url = slackPermalink(opts.workspaceUrl, channel.id, message);
  return item;
}
