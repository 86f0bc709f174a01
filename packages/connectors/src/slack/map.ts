import type { Item } from '@tributary/sdk';
import { toSlackItem, type SlackChannel, type SlackMessage, type SlackUser } from '../slack-shared/index.js';
import type { SlackConfig } from './config.js';

/** A conversation as `conversations.list` returns it (the fields we read). */
export interface ApiConversation {
  id: string;
  name?: string;
  is_channel?: boolean;
  is_group?: boolean;
  is_im?: boolean;
  is_mpim?: boolean;
  is_private?: boolean;
  is_member?: boolean;
  is_archived?: boolean;
  user?: string;
}

/** Our conversation kind from Slack's flags. */
export function toSlackChannel(c: ApiConversation): SlackChannel {
  const kind: SlackChannel['kind'] = c.is_im
    ? 'im'
    : c.is_mpim
      ? 'mpim'
      : c.is_private || c.is_group
        ? 'group'
        : 'channel';
  const channel: SlackChannel = { id: c.id, kind };
  if (c.name) channel.name = c.name;
  if (c.user) channel.user = c.user;
  return channel;
}

const norm = (s: string): string => s.replace(/^#/, '').toLowerCase();

/** Whether the config selects a conversation (channels by id or name; DMs by id or the other member's id). */
export function isSelected(c: SlackChannel, config: SlackConfig): boolean {
  const isDm = c.kind === 'im' || c.kind === 'mpim';
  const sel = isDm ? config.dms : config.channels;
  if (isDm && !config.dms.enabled) return false;
  if (sel.mode === 'all') return true;
  const names = new Set(sel.list.map(norm));
  const hit =
    names.has(c.id.toLowerCase()) ||
    (c.name !== undefined && names.has(norm(c.name))) ||
    (c.user !== undefined && names.has(c.user.toLowerCase()));
  return sel.mode === 'include' ? hit : !hit;
}

const MENTION = /<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g;

/** User ids a message needs names for: its author and every `<@U…>` mention (text and attachments). */
export function userIdsOf(message: SlackMessage): string[] {
  const ids = new Set<string>();
  if (message.user) ids.add(message.user);
  const texts = [
    message.text ?? '',
    ...(message.attachments ?? []).flatMap((a) => [a.text ?? '', a.pretext ?? '', a.fallback ?? '']),
  ];
  for (const t of texts) for (const m of t.matchAll(MENTION)) ids.add(m[1]!);
  return [...ids];
}

/** Applies the `includeAttachments` and `includeReactions` filters to a copy of the message. */
function trimmed(message: SlackMessage, filters: SlackConfig['filters']): SlackMessage {
  if (filters.includeAttachments && filters.includeReactions) return message;
  const copy: SlackMessage = { ...message };
  if (!filters.includeAttachments) {
    delete copy.attachments;
    delete copy.files;
    delete copy.file;
  }
  if (!filters.includeReactions) delete copy.reactions;
  return copy;
}

/**
 * Maps one message through the shared Slack mapping (the same item the export connector makes), then applies the
 * API connector's filters. Returns undefined when a filter drops it.
 */
export function toApiItem(
  message: SlackMessage,
  channel: SlackChannel,
  users: ReadonlyMap<string, SlackUser>,
  config: SlackConfig,
  extra: { workspaceUrl?: string; channelsById?: ReadonlyMap<string, SlackChannel> },
): Item | undefined {
  const f = config.filters;
  const item = toSlackItem(trimmed(message, f), channel, users, {
    excludeBotMessages: f.excludeBotMessages,
    excludeSystemMessages: f.excludeSystemMessages,
    ...(extra.workspaceUrl ? { workspaceUrl: extra.workspaceUrl } : {}),
    ...(extra.channelsById ? { channelsById: extra.channelsById } : {}),
  });
  if (!item) return undefined;
  if (item.content.trim().length < f.minMessageLength) return undefined;
  return item;
}

/** Compares two Slack timestamps numerically (`"9.1" < "10.0"`). */
export function tsAfter(a: string, b: string | undefined): boolean {
  return b === undefined || Number(a) > Number(b);
}

/** The later of two timestamps. */
export function maxTs(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Number(a) >= Number(b) ? a : b;
}
