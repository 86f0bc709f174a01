import type { REST } from '@discordjs/rest';
import type { Item, Page, ReadContext } from '@tributary/sdk';
import { Routes } from 'discord-api-types/v10';
import {
  ChannelCursorSchema,
  DISCORD_CHECKPOINT,
  keys,
  type ChannelCursor,
  type DiscordCheckpoint,
} from './checkpoint.js';
import type { DiscordConfig } from './config.js';
import { digest, messageId, toMessageItem, type ApiMessage, type Names, type Place } from './map.js';

export type DiscordReadContext = ReadContext<DiscordConfig, DiscordCheckpoint>;

const LIMIT = 100;
const bigger = (a: string, b: string | undefined): boolean => b === undefined || BigInt(a) > BigInt(b);

/** Everything one channel's read needs. */
export interface ChannelRun {
  ctx: DiscordReadContext;
  rest: REST;
  place: Place;
  names: Names;
  /** Snowflake to start a first read after (maxAgeDays, backfill window), or '0'. */
  floor: string;
  stateReady: boolean;
}

function mapper(run: ChannelRun): (m: ApiMessage) => Item {
  const features = {
    attachments: run.ctx.features.attachments !== false,
    embeds: run.ctx.features.embeds !== false,
  };
  return (m) => toMessageItem(m, run.place, run.names, features);
}

const pageOf = (
  run: ChannelRun,
  cursor: ChannelCursor,
  items: Item[],
  set: Record<string, unknown>,
  del: string[] = [],
  deletes: string[] = [],
): Page<DiscordCheckpoint> => ({
  items,
  ...(deletes.length ? { deletes } : {}),
  checkpoint: { ...DISCORD_CHECKPOINT },
  state: {
    set: { ...set, [keys.channel(run.place.channel.id)]: { ...cursor } },
    ...(del.length ? { delete: del } : {}),
  },
});

/**
 * New messages of one channel or thread: `GET /channels/{id}/messages?after=<last>&limit=100` until a short page
 * (Discord answers the 100 right after `after`, newest first). Skipped with no call when the channel's
 * `last_message_id` is the one read last. Each message gets a record (its digest) for the reconciliation.
 */
async function* readNew(run: ChannelRun, cursor: ChannelCursor): AsyncGenerator<Page<DiscordCheckpoint>> {
  const { channel } = run.place;
  if (cursor.last !== undefined && (channel.last_message_id ?? undefined) === cursor.last) return;
  if (cursor.last === undefined && !channel.last_message_id) return; // an empty channel
  const toItem = mapper(run);
  for (;;) {
    if (run.ctx.signal.aborted) return;
    const query = new URLSearchParams({ after: cursor.last ?? run.floor, limit: String(LIMIT) });
    const list = (await run.rest.get(Routes.channelMessages(channel.id), { query })) as ApiMessage[];
    const sorted = [...list].sort((a, b) => (bigger(a.id, b.id) ? 1 : -1));
    const items = sorted.map(toItem);
    const set: Record<string, unknown> = {};
    for (let i = 0; i < sorted.length; i++) set[keys.message(channel.id, sorted[i]!.id)] = digest(items[i]!.content);
    const newest = sorted.at(-1)?.id;
    if (newest && bigger(newest, cursor.last)) cursor.last = newest;
    yield pageOf(run, cursor, items, set);
    if (list.length < LIMIT) return;
  }
}

/**
 * The newest `reconcileMessages` messages read again (`before` pages of 100, newest first): a message whose text
 * changed (an edit: `edited_timestamp`; an embed Discord added later) is yielded again, becoming a new version; a
 * message with a record inside the window that is no longer listed was deleted. Records older than the window are
 * dropped, so the records stay as many as the window.
 */
async function* reconcile(run: ChannelRun, cursor: ChannelCursor): AsyncGenerator<Page<DiscordCheckpoint>> {
  const window = run.ctx.config.reconcileMessages;
  const { channel } = run.place;
  if (window === 0 || cursor.last === undefined || !run.stateReady) return;
  const seen: ApiMessage[] = [];
  let before: string | undefined;
  let full = false; // the window reaches the channel's first message
  while (seen.length < window) {
    const want = Math.min(LIMIT, window - seen.length);
    const query = new URLSearchParams({ limit: String(want), ...(before ? { before } : {}) });
    const list = (await run.rest.get(Routes.channelMessages(channel.id), { query })) as ApiMessage[];
    seen.push(...list);
    if (list.length < want) {
      full = true;
      break;
    }
    before = list.at(-1)!.id;
  }
  // Only what the cursor already covers: newer messages are the next readNew's.
  const covered = seen.filter((m) => !bigger(m.id, cursor.last));
  const oldest = full ? '0' : (seen.at(-1)?.id ?? '0');
  const toItem = mapper(run);
  const prefix = keys.messagePrefix(channel.id);
  const records = new Map<string, unknown>();
  for await (const [k, v] of run.ctx.state.list(prefix)) records.set(k.slice(prefix.length), v);
  const items: Item[] = [];
  const set: Record<string, unknown> = {};
  for (const m of covered) {
    const item = toItem(m);
    const d = digest(item.content);
    if (records.get(m.id) !== d) {
      items.push(item);
      set[keys.message(channel.id, m.id)] = d;
    }
  }
  const listed = new Set(covered.map((m) => m.id));
  const deletes: string[] = [];
  const del: string[] = [];
  for (const id of records.keys()) {
    if (listed.has(id)) continue;
    if (bigger(id, cursor.last)) continue;
    del.push(keys.message(channel.id, id));
    // Inside the window and gone: deleted upstream. Older: it only left the window.
    if (!bigger(oldest, id)) deletes.push(messageId(run.names.guildId, channel.id, id));
  }
  if (items.length || del.length) yield pageOf(run, cursor, items, set, del, deletes);
}

/** One channel or thread: new messages from its cursor, then the reconciliation window. */
export async function* readChannel(run: ChannelRun): AsyncGenerator<Page<DiscordCheckpoint>> {
  const stored = run.stateReady
    ? ChannelCursorSchema.safeParse(await run.ctx.state.get(keys.channel(run.place.channel.id)))
    : undefined;
  const cursor: ChannelCursor = stored?.success ? stored.data : {};
  const known = cursor.last !== undefined;
  yield* readNew(run, cursor);
  // A first read of a channel just wrote every record: nothing to compare yet. An archived thread takes no new
  // messages; its deletions wait for a full refresh (one call per archived thread per sync saved).
  if (known && run.place.channel.thread_metadata?.archived !== true) yield* reconcile(run, cursor);
}
