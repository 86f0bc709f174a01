import { isTributaryError, type Item, type Page, type ReadContext } from '@tributary/sdk';
import { parseMail } from '../mail/parse.js';
import {
  compact,
  MESSAGE_PREFIX,
  messageKey,
  MessageRecordSchema,
  type GmailCheckpoint,
  type MessageRecord,
} from './checkpoint.js';
import { GmailClient, type GmailMessage } from './client.js';
import type { GmailConfig } from './config.js';
import { EXCLUDED_LABELS, toGmailItem } from './map.js';
import { labelQuery, resolveLabels } from './labels.js';

type Ctx = ReadContext<GmailConfig, GmailCheckpoint>;
type GmailPage = Page<GmailCheckpoint>;

/** What one read shares between its phases. */
interface Run {
  ctx: Ctx;
  client: GmailClient;
  /** Label id → name. */
  names: Map<string, string>;
  /** Label ids a message must carry one of (empty: any). */
  wanted: Set<string>;
  /** The search a full listing uses (query, labels, date bound). */
  done: number;
}

type Fetched = { id: string; message: GmailMessage } | { id: string; gone: true };

/** messages.get (format=raw) for each id, `concurrency` at a time; a message deleted meanwhile is `gone`. */
async function fetchAll(run: Run, ids: string[]): Promise<Fetched[]> {
  const out: Fetched[] = new Array(ids.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < ids.length) {
      const i = next++;
      const id = ids[i]!;
      try {
        out[i] = { id, message: await run.client.getRaw(id) };
      } catch (err) {
        if (isTributaryError(err) && err.code === 'not_found') out[i] = { id, gone: true };
        else throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(run.ctx.config.concurrency, ids.length) }, worker));
  return out;
}

/** Whether a message belongs to this source: not spam or trash, and carrying a wanted label when labels are set. */
function belongs(run: Run, message: GmailMessage): boolean {
  const labels = message.labelIds ?? [];
  if (labels.some((l) => EXCLUDED_LABELS.has(l))) return false;
  return run.wanted.size === 0 || labels.some((l) => run.wanted.has(l));
}

/**
 * Which of the fetched messages the source's `query` matches. Gmail's history cannot be searched, so one search asks
 * Gmail itself: `messages.list` with the query, bounded below by the oldest fetched message's date, paged until every
 * id is accounted for (one call per 500 matches; usually one call per history page).
 */
async function matchingQuery(run: Run, fetched: Array<{ id: string; message: GmailMessage }>): Promise<Set<string>> {
  const ids = new Set(fetched.map((f) => f.id));
  const found = new Set<string>();
  const oldest = Math.min(...fetched.map((f) => Number(f.message.internalDate ?? 0)));
  // `after:` takes epoch seconds; one second of slack so the oldest message itself is inside the bound.
  const q = labelQuery(run.ctx.config.query, [], Math.max(0, Math.floor(oldest / 1000) - 1));
  let token: string | undefined;
  do {
    const res = await run.client.list(q, token, 500);
    for (const m of res.messages ?? []) if (m.id && ids.has(m.id)) found.add(m.id);
    token = res.nextPageToken ?? undefined;
  } while (token && found.size < ids.size && !run.ctx.signal.aborted);
  return found;
}

/** Parses and maps fetched messages into a page's items (by external id) and state records. */
async function toPageParts(
  run: Run,
  fetched: Array<{ id: string; message: GmailMessage }>,
  gen: number,
): Promise<{
  items: Item[];
  set: Record<string, MessageRecord>;
  errors: Array<{ externalId?: string; message: string }>;
}> {
  const items = new Map<string, Item>();
  const set: Record<string, MessageRecord> = {};
  const errors: Array<{ externalId?: string; message: string }> = [];
  const maxBytes = run.ctx.config.maxMessageMb * 1024 * 1024;
  for (const { id, message } of fetched) {
    const raw = Buffer.from(message.raw ?? '', 'base64url');
    if (raw.byteLength > maxBytes) {
      errors.push({ message: `Gmail message ${id}: ${raw.byteLength} bytes is over maxMessageMb, skipped` });
      continue;
    }
    try {
      const mail = await parseMail(raw, { attachmentText: run.ctx.features.attachments === true });
      const item = toGmailItem(mail, { id, threadId: message.threadId, labelIds: message.labelIds }, run.names);
      items.set(item.externalId, item);
      set[messageKey(id)] = { x: item.externalId, g: gen };
    } catch (err) {
      errors.push({ message: `Gmail message ${id}: ${(err as Error).message}` });
    }
  }
  return { items: [...items.values()], set, errors };
}

/**
 * A full listing (`messages.list` with the source's search, then `messages.get` per id), one page per list page,
 * resumable from `pageToken`. Ends in `sweep` after a re-sync (generation > 1), else straight in `history`.
 */
async function* listPhase(run: Run, cp: GmailCheckpoint): AsyncGenerator<GmailPage, GmailCheckpoint> {
  const { ctx, client } = run;
  const q = labelQuery(
    ctx.config.query,
    [...run.wanted].map((id) => run.names.get(id) ?? id),
    cp.after,
  );
  let token = cp.pageToken;
  for (;;) {
    if (ctx.signal.aborted) return cp;
    const res = await client.list(q, token, ctx.config.pageSize);
    const ids = (res.messages ?? []).map((m) => m.id).filter((id): id is string => !!id);
    const fetched = (await fetchAll(run, ids)).filter(
      (f): f is { id: string; message: GmailMessage } => 'message' in f,
    );
    const parts = await toPageParts(
      run,
      fetched.filter((f) => belongs(run, f.message)),
      cp.gen,
    );
    token = res.nextPageToken ?? undefined;
    const next: GmailCheckpoint = token
      ? { ...cp, pageToken: token }
      : cp.gen > 1
        ? compact({ ...cp, phase: 'sweep' as const, pageToken: undefined })
        : compact({ ...cp, phase: 'history' as const, historyId: cp.start!, start: undefined, pageToken: undefined });
    run.done += parts.items.length;
    ctx.progress({ phase: 'listing', done: run.done });
    yield { items: parts.items, errors: parts.errors, state: { set: parts.set }, checkpoint: next };
    if (!token) return next;
  }
}

/** After a re-sync listing: every record the listing did not see (an older generation) is gone upstream. */
async function* sweepPhase(run: Run, cp: GmailCheckpoint): AsyncGenerator<GmailPage, GmailCheckpoint> {
  let deletes: string[] = [];
  let keys: string[] = [];
  for await (const [key, value] of run.ctx.state.list(MESSAGE_PREFIX)) {
    const record = MessageRecordSchema.safeParse(value);
    if (record.success && record.data.g === cp.gen) continue;
    keys.push(key);
    if (record.success) deletes.push(record.data.x);
    if (keys.length >= 500) {
      yield { items: [], deletes, state: { delete: keys }, checkpoint: cp };
      deletes = [];
      keys = [];
    }
  }
  const next = compact({ ...cp, phase: 'history' as const, historyId: cp.start!, start: undefined });
  yield { items: [], deletes, state: { delete: keys }, checkpoint: next };
  return next;
}

/**
 * Incremental: `history.list` from the cursor; per page, messages added or relabelled are fetched again (a label
 * change is a new version with other tags; moved to spam/trash or out of the wanted labels is a deletion), deleted
 * ones become tombstones. Returns `expired` when Gmail no longer has the cursor's history (404).
 */
async function* historyPhase(run: Run, cp: GmailCheckpoint): AsyncGenerator<GmailPage, 'expired' | 'done'> {
  const { ctx, client } = run;
  let hpage = cp.hpage;
  for (;;) {
    if (ctx.signal.aborted) return 'done';
    let res;
    try {
      res = await client.history(cp.historyId!, hpage, ctx.config.pageSize);
    } catch (err) {
      // https://developers.google.com/gmail/api/guides/sync#limitations: history ids are kept about a week; an
      // older one answers 404 and the client must sync in full.
      if (isTributaryError(err) && err.code === 'not_found') return 'expired';
      throw err;
    }
    // Per message, what its last event asks for: read it again, or drop it without a call (deleted, or moved to
    // spam/trash: Gmail's lists leave those out, so do we).
    const todo = new Map<string, 'fetch' | 'drop'>();
    for (const h of res.history ?? []) {
      for (const c of h.messagesAdded ?? []) if (c.message?.id) todo.set(c.message.id, 'fetch');
      // Once in spam/trash a message stays dropped until a record takes that label away again.
      for (const c of h.labelsRemoved ?? []) {
        const id = c.message?.id;
        if (id && (todo.get(id) !== 'drop' || c.labelIds?.some((l) => EXCLUDED_LABELS.has(l)))) todo.set(id, 'fetch');
      }
      for (const c of h.labelsAdded ?? []) {
        const id = c.message?.id;
        if (!id) continue;
        if (c.labelIds?.some((l) => EXCLUDED_LABELS.has(l))) todo.set(id, 'drop');
        else if (todo.get(id) !== 'drop') todo.set(id, 'fetch');
      }
      for (const c of h.messagesDeleted ?? []) if (c.message?.id) todo.set(c.message.id, 'drop');
    }
    const deleted = new Set<string>();
    const touched: string[] = [];
    for (const [id, what] of todo) {
      if (what === 'drop') deleted.add(id);
      else touched.push(id);
    }
    let live: Array<{ id: string; message: GmailMessage }> = [];
    for (const f of await fetchAll(run, touched)) {
      if ('gone' in f || !belongs(run, f.message)) deleted.add(f.id);
      else live.push(f);
    }
    if (ctx.config.query && live.length) {
      // Added or relabelled messages the query does not match are not this source's (a relabel may take one out).
      const matching = await matchingQuery(run, live);
      for (const f of live) if (!matching.has(f.id)) deleted.add(f.id);
      live = live.filter((f) => matching.has(f.id));
    }
    const parts = await toPageParts(run, live, cp.gen);
    const known = await ctx.state.getMany([...deleted].map(messageKey));
    const deletes: string[] = [];
    for (const [, value] of known) {
      const record = MessageRecordSchema.safeParse(value);
      if (record.success) deletes.push(record.data.x);
    }
    hpage = res.nextPageToken ?? undefined;
    const next: GmailCheckpoint = hpage
      ? { ...cp, hpage }
      : compact({ ...cp, historyId: res.historyId ?? cp.historyId, hpage: undefined });
    run.done += parts.items.length + deletes.length;
    ctx.progress({ phase: 'history', done: run.done });
    yield {
      items: parts.items,
      deletes,
      errors: parts.errors,
      state: { set: parts.set, delete: [...known.keys()] },
      checkpoint: next,
    };
    if (!hpage) return 'done';
  }
}

/** A new full listing: the mailbox's historyId first, so what changes during the listing is read from history. */
async function startListing(run: Run, gen: number, prev: GmailCheckpoint | undefined): Promise<GmailCheckpoint> {
  const { ctx } = run;
  const profile = await run.client.profile();
  const since =
    ctx.since ??
    (ctx.config.backfillDays ? new Date(ctx.clock.now() - ctx.config.backfillDays * 86_400_000) : undefined);
  const after = prev?.after ?? (since ? Math.floor(since.getTime() / 1000) : undefined);
  return compact({
    v: 1 as const,
    phase: 'list' as const,
    gen,
    start: String(profile.historyId ?? '0'),
    after,
    watchExpires: prev?.watchExpires,
  });
}

/** Renews the `users.watch` when push is configured and it expires within `renewBeforeHours` (or was never set). */
async function renewWatch(run: Run, cp: GmailCheckpoint): Promise<GmailCheckpoint> {
  const push = run.ctx.config.push;
  if (!push) return cp;
  const now = run.ctx.clock.now();
  if (cp.watchExpires !== undefined && cp.watchExpires - now > push.renewBeforeHours * 3_600_000) return cp;
  try {
    const res = await run.client.watch(push.topicName, [...run.wanted]);
    return { ...cp, watchExpires: Number(res.expiration ?? now + 7 * 86_400_000) };
  } catch (err) {
    // Push is an accelerator: scheduled syncs still read history, so a failed watch is reported, not fatal.
    run.ctx.logger.warn('Gmail users.watch failed; push notifications stay off until the next sync', {
      error: (err as Error).message,
    });
    return cp;
  }
}

/**
 * Reads a Gmail mailbox: a full listing on the first sync (bounded by `backfillDays`), then `history.list` from
 * the cursor. An expired cursor starts a re-sync listing under a new generation and tombstones what it no longer
 * finds. One page per API page; everything per message lives in connector state.
 */
export async function* readGmail(ctx: Ctx): AsyncGenerator<GmailPage> {
  if (ctx.signal.aborted) return;
  const client = new GmailClient(ctx);
  const labels = await client.labels();
  const run: Run = {
    ctx,
    client,
    names: new Map(labels.filter((l) => l.id).map((l) => [l.id!, l.name ?? l.id!])),
    wanted: resolveLabels(ctx.config.labels, labels),
    done: 0,
  };
  let cp = ctx.checkpoint ?? (await startListing(run, 1, undefined));
  cp = await renewWatch(run, cp);
  for (;;) {
    if (ctx.signal.aborted) return;
    if (cp.phase === 'list') cp = yield* listPhase(run, cp);
    else if (cp.phase === 'sweep') cp = yield* sweepPhase(run, cp);
    else {
      const outcome = yield* historyPhase(run, cp);
      if (outcome === 'done') return;
      ctx.logger.warn('Gmail history cursor expired: re-reading the mailbox and tombstoning what is gone', {
        historyId: cp.historyId,
      });
      cp = await startListing(run, cp.gen + 1, cp);
    }
  }
}
