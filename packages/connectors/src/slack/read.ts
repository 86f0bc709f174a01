import type { Item, Page, ReadContext } from '@tributary/sdk';
import type { SlackChannel, SlackMessage } from '../slack-shared/index.js';
import {
  channelKey,
  ChannelCursorSchema,
  compact,
  dateToTs,
  SLACK_CHECKPOINT,
  threadPrefix,
  tsMinus,
  type ChannelCursor,
  type SlackCheckpoint,
} from './checkpoint.js';
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

/** Shared per-read state: the clients, names, and whether connector state may be read yet. */
export interface ReadState {
  ctx: Ctx;
  client: SlackClient;
  /** A user token's client for DMs (credential extra `userToken`), when the main token is a bot's. */
  dmClient?: SlackClient;
  workspaceUrl?: string;
  channelsById: Map<string, SlackChannel>;
  /**
   * Whether `ctx.state` holds this run's records: true when the run resumed from a checkpoint, or once a page of
   * this run was committed. A run without a checkpoint must not read state before its first commit (the engine
   * clears the old records in that commit).
   */
  stateReady: boolean;
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

const checkpoint = (): SlackCheckpoint => ({ ...SLACK_CHECKPOINT });

/** Newest reply ts read per tracked thread, for the given state keys (none before state is readable). */
async function trackedThreads(rs: ReadState, keys: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (!rs.stateReady || keys.length === 0) return out;
  for (const [k, v] of await rs.ctx.state.getMany(keys)) if (typeof v === 'string') out.set(k, v);
  return out;
}

/** Replies after `seen`, or none when the parent was deleted (a deleted parent leaves nothing to track). */
async function repliesOfOld(client: SlackClient, channel: string, parentTs: string, seen: string) {
  return fetchReplies(client, channel, parentTs, seen).catch((err: unknown) => {
    if ((err as { details?: { slackError?: string } }).details?.slackError === 'thread_not_found') return [];
    throw err;
  });
}

/**
 * Reads one conversation from its cursor (connector state `c:<id>`): history newest first inside the window
 * (everything on a first sync, from `since` when bounded, else `recheckHours` before the newest message read),
 * yielding new messages, messages edited since the last sync, and new thread replies. One page per history call;
 * each page writes the cursor and the threads it touched (`t:<id>:<parent ts>`), so its state is O(page).
 */
export async function* readChannel(rs: ReadState, channel: SlackChannel): AsyncGenerator<Page<SlackCheckpoint>> {
  const { ctx } = rs;
  const client = clientFor(rs, channel);
  const { config } = ctx;
  const recheck = config.sync.recheckHours * 3600;
  const key = channelKey(channel.id);
  const prefix = threadPrefix(channel.id);
  const stored = rs.stateReady ? ChannelCursorSchema.safeParse(await ctx.state.get(key)) : undefined;
  let cur: ChannelCursor = stored?.success ? stored.data : {};
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
    const isActiveParent = (m: (typeof messages)[number]): boolean =>
      config.filters.includeThreads && m.thread_ts === m.ts && (m.reply_count ?? 0) > 0 && !!m.latest_reply;
    const known = await trackedThreads(
      rs,
      messages.filter(isActiveParent).map((m) => prefix + m.ts),
    );
    // State written by this page: the cursor, and the threads whose newest reply moved (or that leave tracking).
    const set: Record<string, unknown> = {};
    const del: string[] = [];
    const wanted: SlackMessage[] = [];
    let scanEdit = scan.edit;
    for (const m of messages) {
      const edited = m.edited?.ts;
      if (edited) scanEdit = maxTs(scanEdit, edited);
      if (tsAfter(m.ts, cur.hw) || (edited !== undefined && tsAfter(edited, editBar))) wanted.push(m);
      const seen = known.get(prefix + m.ts);
      if (isActiveParent(m) && tsAfter(m.latest_reply!, seen)) {
        const replies = await fetchReplies(client, channel.id, m.ts, seen);
        wanted.push(...replies);
        set[prefix + m.ts] = maxTs(seen, replies.at(-1)?.ts ?? m.latest_reply)!;
      }
    }
    const top = scan.top ?? messages[0]?.ts;
    const more = res.has_more === true && messages.length > 0;
    if (more) {
      scan = compact({ top, below: messages.at(-1)!.ts, oldest: scan.oldest, edit: scanEdit });
      cur = compact({ hw: cur.hw, edit: cur.edit, scan });
    } else {
      const hw = maxTs(cur.hw, top);
      // Track threads while they are active within the re-check window; older ones are left to full refreshes.
      const keepAfter = hw ? Number(hw) - recheck : 0;
      const tracked = new Map<string, string>();
      if (rs.stateReady)
        for await (const [k, v] of ctx.state.list(prefix)) {
          if (typeof v === 'string') tracked.set(k, v);
          else del.push(k);
        }
      for (const [k, v] of Object.entries(set)) tracked.set(k, v as string);
      for (const [k, seen] of tracked) {
        let last = seen;
        const parentTs = k.slice(prefix.length);
        // Active threads whose parent is older than the window: their new replies are not announced by history.
        if (config.filters.includeThreads && scan.oldest !== undefined && Number(parentTs) <= Number(scan.oldest)) {
          const replies = await repliesOfOld(client, channel.id, parentTs, seen);
          wanted.push(...replies);
          last = maxTs(seen, replies.at(-1)?.ts)!;
          if (last !== seen) set[k] = last;
        }
        if (Number(last) <= keepAfter) {
          del.push(k);
          delete set[k];
        }
      }
      cur = compact({ hw, edit: maxTs(cur.edit, scanEdit) });
    }
    const items = await toItems(rs, channel, wanted);
    set[key] = cur;
    rs.done += items.length;
    ctx.progress({ phase: `#${channel.name ?? channel.id}`, done: rs.done });
    yield { items, checkpoint: checkpoint(), state: { set, ...(del.length ? { delete: del } : {}) } };
    rs.stateReady = true;
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
    yield { items: [], deletes: [`${channel.id}:${ts}`], checkpoint: checkpoint() };
    rs.stateReady = true;
    return;
  }
  if (hints.action === 'changed' && found) {
    yield { items: await toItems(rs, channel, [found]), checkpoint: checkpoint() };
    rs.stateReady = true;
  }
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
