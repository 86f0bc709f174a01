import type { Item, Page, ReadContext } from '@tributary/sdk';
import type { SlackChannel, SlackMessage } from '../slack-shared/index.js';
import { compact, dateToTs, tsMinus, type ChannelCursor, type SlackCheckpoint } from './checkpoint.js';
import type { SlackClient } from './client.js';
import type { SlackConfig } from './config.js';
import { isSelected, maxTs, toApiItem, toSlackChannel, tsAfter, userIdsOf, type ApiConversation } from './map.js';

type Ctx = ReadContext<SlackConfig, SlackCheckpoint>;

interface HistoryPage {
  messages?: Array<SlackMessage & { latest_reply?: string }>;
  has_more?: boolean;
  response_metadata?: { next_cursor?: string };
}

async function listTypes(client: SlackClient, types: string[]): Promise<ApiConversation[]> {
  const out: ApiConversation[] = [];
  let cursor: string | undefined;
  do {
    const res = await client.call<{ channels?: ApiConversation[]; response_metadata?: { next_cursor?: string } }>(
      'conversations.list',
      { types: types.join(','), exclude_archived: false, limit: 200, cursor },
    );
    out.push(...(res.channels ?? []));
    cursor = res.response_metadata?.next_cursor || undefined;
  } while (cursor);
  return out;
}

/**
 * Every conversation the tokens can see, for pickers and for resolving `<#C…>` names. With a separate user token
 * for DMs (`dmClient`), channels are listed with the main token and DMs with the user token.
 */
export async function listConversations(
  client: SlackClient,
  config: SlackConfig,
  dmClient?: SlackClient,
): Promise<ApiConversation[]> {
  const channelTypes = ['public_channel', ...(config.channels.includePrivate ? ['private_channel'] : [])];
  const dmTypes = config.dms.enabled ? ['im', 'mpim'] : [];
  const out =
    dmClient && dmTypes.length
      ? [...(await listTypes(client, channelTypes)), ...(await listTypes(dmClient, dmTypes))]
      : await listTypes(client, [...channelTypes, ...dmTypes]);
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

/** Replies of one thread newer than `after` (the parent, which Slack always sends first, is left out). */
async function fetchReplies(
  client: SlackClient,
  channel: string,
  parentTs: string,
  after: string | undefined,
): Promise<SlackMessage[]> {
  const out: SlackMessage[] = [];
  let cursor: string | undefined;
  do {
    const res = await client.call<HistoryPage>('conversations.replies', {
      channel,
      ts: parentTs,
      oldest: after,
      limit: 200,
      cursor,
    });
    for (const m of res.messages ?? []) if (m.ts !== parentTs && tsAfter(m.ts, after)) out.push(m);
    cursor = res.has_more ? res.response_metadata?.next_cursor || undefined : undefined;
  } while (cursor);
  return out;
}

/** Shared per-read state: the client, names, and the whole checkpoint being advanced. */
export interface ReadState {
  ctx: Ctx;
  client: SlackClient;
  /** A user token's client for DMs (credential extra `userToken`), when the main token is a bot's. */
  dmClient?: SlackClient;
  workspaceUrl?: string;
  channelsById: Map<string, SlackChannel>;
  cursors: Record<string, ChannelCursor>;
  done: number;
}

/** Maps messages to items (users looked up first), dropping what the filters exclude and duplicates. */
async function toItems(rs: ReadState, channel: SlackChannel, messages: SlackMessage[]): Promise<Item[]> {
  const need = new Set<string>(channel.user ? [channel.user] : []);
  for (const m of messages) for (const id of userIdsOf(m)) need.add(id);
  for (const id of need) if (!rs.client.hasLookedUp(id)) await rs.client.user(id);
  const users = rs.client.knownUsers();
  const items = new Map<string, Item>();
  for (const m of messages) {
    const item = toApiItem(m, channel, users, rs.ctx.config, {
      ...(rs.workspaceUrl ? { workspaceUrl: rs.workspaceUrl } : {}),
      channelsById: rs.channelsById,
    });
    if (item) items.set(item.externalId, item);
  }
  return [...items.values()];
}

/** Where a first sync starts: the engine's `since`, else `sync.backfillDays` before now, else the beginning. */
function firstSyncStart(ctx: Ctx): string | undefined {
  if (ctx.since) return dateToTs(ctx.since);
  const days = ctx.config.sync.backfillDays;
  return days ? dateToTs(new Date(ctx.clock.now() - days * 86_400_000)) : undefined;
}

/** The client that can read a conversation: the DM client for DMs when there is one. */
function clientFor(rs: ReadState, channel: SlackChannel): SlackClient {
  return rs.dmClient && (channel.kind === 'im' || channel.kind === 'mpim') ? rs.dmClient : rs.client;
}

const snapshot = (rs: ReadState): SlackCheckpoint => ({ channels: structuredClone(rs.cursors) });

/**
 * Reads one conversation from its cursor: history newest first inside the window (everything on a first sync,
 * from `since` when bounded, else `recheckHours` before the newest message read), yielding new messages, messages
 * edited since the last sync, and new thread replies. One page per history call.
 */
export async function* readChannel(rs: ReadState, channel: SlackChannel): AsyncGenerator<Page<SlackCheckpoint>> {
  const { ctx } = rs;
  const client = clientFor(rs, channel);
  const { config } = ctx;
  const recheck = config.sync.recheckHours * 3600;
  let cur: ChannelCursor = rs.cursors[channel.id] ?? {};
  const windowStart = cur.hw ? tsMinus(cur.hw, recheck) : firstSyncStart(ctx);
  let scan: NonNullable<ChannelCursor['scan']> = cur.scan ?? compact({ oldest: windowStart });
  // An edit is new when it happened after the last completed scan, i.e. after its newest message and edits.
  const editBar = maxTs(cur.edit, cur.hw);
  for (;;) {
    if (ctx.signal.aborted) return;
    const res = await client.call<HistoryPage>('conversations.history', {
      channel: channel.id,
      limit: config.sync.batchSize,
      oldest: scan.oldest,
      latest: scan.below,
      inclusive: false,
    });
    const messages = res.messages ?? [];
    const threads = { ...(cur.threads ?? {}) };
    const wanted: SlackMessage[] = [];
    let scanEdit = scan.edit;
    for (const m of messages) {
      const edited = m.edited?.ts;
      if (edited) scanEdit = maxTs(scanEdit, edited);
      if (tsAfter(m.ts, cur.hw) || (edited !== undefined && tsAfter(edited, editBar))) wanted.push(m);
      if (
        config.filters.includeThreads &&
        m.thread_ts === m.ts &&
        (m.reply_count ?? 0) > 0 &&
        m.latest_reply &&
        tsAfter(m.latest_reply, threads[m.ts])
      ) {
        const replies = await fetchReplies(client, channel.id, m.ts, threads[m.ts]);
        wanted.push(...replies);
        threads[m.ts] = maxTs(threads[m.ts], replies.at(-1)?.ts ?? m.latest_reply)!;
      }
    }
    const top = scan.top ?? messages[0]?.ts;
    const more = res.has_more === true && messages.length > 0;
    if (more) {
      scan = compact({ top, below: messages.at(-1)!.ts, oldest: scan.oldest, edit: scanEdit });
      cur = compact({ ...cur, threads, scan });
    } else {
      // Active threads whose parent is older than the window: their new replies are not announced by history.
      if (config.filters.includeThreads && scan.oldest !== undefined) {
        for (const [parentTs, seen] of Object.entries(threads)) {
          if (Number(parentTs) > Number(scan.oldest)) continue;
          const replies = await fetchReplies(client, channel.id, parentTs, seen).catch((err: unknown) => {
            // A deleted parent leaves nothing to track.
            if ((err as { details?: { slackError?: string } }).details?.slackError === 'thread_not_found') return [];
            throw err;
          });
          wanted.push(...replies);
          threads[parentTs] = maxTs(seen, replies.at(-1)?.ts)!;
        }
      }
      const hw = maxTs(cur.hw, top);
      // Track threads while they are active within the re-check window; older ones are left to full refreshes.
      const keepAfter = hw ? Number(hw) - recheck : 0;
      const active = Object.fromEntries(Object.entries(threads).filter(([, last]) => Number(last) > keepAfter));
      cur = compact({ hw, edit: maxTs(cur.edit, scanEdit), threads: Object.keys(active).length ? active : undefined });
    }
    const items = await toItems(rs, channel, wanted);
    rs.cursors[channel.id] = cur;
    rs.done += items.length;
    ctx.progress({ phase: `#${channel.name ?? channel.id}`, done: rs.done });
    yield { items, checkpoint: snapshot(rs) };
    if (!more) return;
  }
}

/**
 * Webhook hints: a changed or deleted message named by ts. A deletion is reported only after Slack confirms the
 * message is gone; a change is re-read and yielded whatever its age.
 */
export async function* readHinted(
  rs: ReadState,
  channel: SlackChannel,
  hints: Record<string, unknown>,
): AsyncGenerator<Page<SlackCheckpoint>> {
  const ts = typeof hints.ts === 'string' ? hints.ts : undefined;
  if (!ts) return;
  const threadTs = typeof hints.threadTs === 'string' && hints.threadTs !== ts ? hints.threadTs : undefined;
  const res = threadTs
    ? await clientFor(rs, channel)
        .call<HistoryPage>('conversations.replies', {
          channel: channel.id,
          ts: threadTs,
          oldest: ts,
          latest: ts,
          inclusive: true,
          limit: 1,
        })
        .catch(() => ({ messages: [] }) as HistoryPage)
    : await clientFor(rs, channel).call<HistoryPage>('conversations.history', {
        channel: channel.id,
        oldest: ts,
        latest: ts,
        inclusive: true,
        limit: 1,
      });
  const found = (res.messages ?? []).find((m) => m.ts === ts);
  if (hints.action === 'deleted' && !found) {
    yield { items: [], deletes: [`${channel.id}:${ts}`], checkpoint: snapshot(rs) };
    return;
  }
  if (hints.action === 'changed' && found)
    yield { items: await toItems(rs, channel, [found]), checkpoint: snapshot(rs) };
}

/** Conversations to read, selected by the config (and narrowed to `hints.channel` when a webhook asked). */
export function selectedConversations(all: ApiConversation[], ctx: Ctx): SlackChannel[] {
  const hinted = typeof ctx.hints.channel === 'string' ? ctx.hints.channel : undefined;
  const out: SlackChannel[] = [];
  for (const c of all) {
    const ch = toSlackChannel(c);
    if (!isSelected(ch, ctx.config)) continue;
    if (hinted && ch.id !== hinted) continue;
    if ((ch.kind === 'channel' || ch.kind === 'group') && c.is_member === false) {
      ctx.logger.warn('skipping a channel the token is not a member of: invite the app to read it', { channel: ch.id });
      continue;
    }
    out.push(ch);
  }
  return out;
}
